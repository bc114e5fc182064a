// AppState: validation at the door, commands into the history, computation handed to the service.
#include "ui/app_state.hpp"

#include <algorithm>

#include "core/cell_labels.hpp"
#include "core/number_text.hpp"
#include "core/trace_job.hpp"
#include "io/paste_parser.hpp"
#include "io/scenario_json.hpp"

namespace ap::ui {

AppState::AppState(ComputeService& service, core::Scenario initial, std::string backend)
    : service_(service), scenario_(std::move(initial)), backend_(std::move(backend)) {
  core::validate_scenario(scenario_);
  const auto names = service_.backends();
  if (std::find(names.begin(), names.end(), backend_) == names.end()) backend_ = "reference";
  changed();
}

bool AppState::trace_fits() const {
  const core::Trace& t = result_.trace;
  const core::Scenario& s = scenario_;
  if (t.output.rows() != s.n() || t.output.cols() != s.d_model() || static_cast<int>(t.heads.size()) != s.heads)
    return false;
  if (t.allowed.rows() != s.n() || t.allowed.cols() != s.m()) return false;
  const core::HeadTrace& h = t.heads.front();
  return h.q.cols() == s.d_k && h.v.cols() == s.d_v && h.k.rows() == s.m();
}

bool AppState::head_recorded(int head) const {
  if (head < 0 || head >= static_cast<int>(result_.trace.heads.size())) return false;
  return result_.trace.heads[static_cast<std::size_t>(head)].weights.size() > 0;
}

void AppState::recompute() {
  cancelled_ = false;
  service_.submit(scenario_, {backend_, shown_heads_});
  poll(0);  // a small layer is done already: its result goes on screen with the edit
}

void AppState::changed() {
  ++scenario_revision_;
  ++revision_;
  recompute();
}

bool AppState::poll(double budget_ms) {
  bool arrived = false;
  ComputeResult out;
  if (service_.poll(out, budget_ms)) {
    std::swap(result_, out);
    service_.recycle(std::move(out.trace));  // the next result may be written into the old one's memory
    ++revision_;
    arrived = true;
  }
  double diff = 0;
  if (service_.poll_comparison(result_.trace, diff)) {
    result_.max_diff_vs_reference = diff;
    result_.compared = true;
  }
  return arrived;
}

void AppState::cancel_compute() {
  if (!service_.computing()) return;
  service_.cancel();
  cancelled_ = true;
}

std::optional<core::Error> AppState::propose(core::Scenario next, bool merge) {
  try {
    core::validate_scenario(next);
  } catch (const core::InputError& e) {
    last_error_ = e.error;
    return e.error;
  }
  service_.cancel();  // nothing may read the scenario while it changes
  std::swap(scenario_, next);
  history_.record_whole(std::move(next), merge);
  last_error_.reset();
  changed();
  return std::nullopt;
}

std::optional<core::Error> AppState::edit_cell(const core::CellAddress& cell, double value, bool merge) {
  double before = 0;
  try {
    before = core::read_cell(scenario_, cell);
    core::check_cell(scenario_, cell, value);
  } catch (const core::InputError& e) {
    last_error_ = e.error;
    return e.error;
  }
  service_.cancel();  // nothing may read the scenario while it changes
  core::write_cell(scenario_, cell, value);
  history_.record_cell(cell, before, value, merge);
  last_error_.reset();
  changed();
  return std::nullopt;
}

std::optional<core::Error> AppState::edit_cell_text(const core::CellAddress& cell, std::string_view text, bool done, bool merge) {
  double value = 0;
  const auto why = io::read_cell_text(text, value);
  if (!why) {
    try {
      if (done && core::read_cell(scenario_, cell) == value) return std::nullopt;  // Enter after typing: applied already
    } catch (const core::InputError&) {
    }
    return edit_cell(cell, value, merge);
  }
  if (!done && io::could_become_number(text)) return std::nullopt;  // still typing: "-" on the way to "-0.5"
  double kept = 0;
  try {
    kept = core::read_cell(scenario_, cell);
  } catch (const core::InputError& e) {
    last_error_ = e.error;
    return e.error;
  }
  last_error_ = core::Error{cell.name(), *why + " (" + core::cell_place(scenario_, cell) + "); the cell keeps " + core::number_text(kept)};
  return last_error_;
}

std::optional<core::Error> AppState::rename_token(bool context, int index, std::string label, bool merge) {
  if (context && !scenario_.context) return core::Error{"context.tokens", "there is no context sequence"};
  auto& tokens = context ? scenario_.context->tokens : scenario_.query.tokens;
  if (index < 0 || index >= static_cast<int>(tokens.size()))
    return core::Error{context ? "context.tokens" : "tokens", "no token " + std::to_string(index)};
  std::string before = tokens[static_cast<std::size_t>(index)];
  tokens[static_cast<std::size_t>(index)] = label;  // labels are not computed on: no recompute
  history_.record_label(context, index, std::move(before), std::move(label), merge);
  ++scenario_revision_;
  ++revision_;
  return std::nullopt;
}

std::optional<core::Error> AppState::load_json(std::string_view text) {
  try {
    return propose(io::parse_scenario(text));
  } catch (const core::InputError& e) {
    last_error_ = e.error;
    return e.error;
  }
}

std::optional<core::Error> AppState::set_backend(const std::string& name) {
  const auto names = service_.backends();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    // A backend this build or browser lacks says why: "webgpu: not available in the native build".
    const std::string note = service_.backends_note();
    const bool why = !name.empty() && note.rfind(name + ":", 0) == 0;
    core::Error e{"backend", why ? note : "unknown backend \"" + name + "\""};
    last_error_ = e;
    return e;
  }
  backend_ = name;
  recompute();
  return std::nullopt;
}

void AppState::set_shown_heads(std::vector<int> heads) {
  if (heads == shown_heads_) return;
  shown_heads_ = std::move(heads);
  if (core::records_all_heads(scenario_)) return;  // every head is recorded anyway
  const bool missing = std::any_of(shown_heads_.begin(), shown_heads_.end(), [&](int h) { return !head_recorded(h); });
  if (missing && !cancelled_) recompute();
}

bool AppState::undo() {
  if (history_.depth() == 0) return false;
  service_.cancel();
  history_.undo(scenario_);
  changed();
  return true;
}

bool AppState::redo() {
  if (history_.redo_depth() == 0) return false;
  service_.cancel();
  history_.redo(scenario_);
  changed();
  return true;
}

}  // namespace ap::ui
