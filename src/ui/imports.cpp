// Arrivals → proposals. Parsing is io's; placing a block is core::with_block; this file only routes.
#include "ui/imports.hpp"

#include <functional>
#include <optional>

#include <imgui.h>

#include "core/block_edit.hpp"
#include "io/npy.hpp"
#include "io/paste_parser.hpp"
#include "ui/matrix_editor.hpp"

namespace ap::ui {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string shape_text(const core::Matrix& m) { return std::to_string(m.rows()) + " × " + std::to_string(m.cols()); }

void notify(Exchange& ex, std::string text, bool error) {
  ex.notice = std::move(text);
  ex.notice_is_error = error;
}

// Proposes `next`; on refusal the status line shows why, prefixed with where the numbers came from.
// True when the scenario was applied (the status line then says `success`).
bool propose_or_report(AppState& state, Exchange& ex, const std::function<core::Scenario()>& build,
                       const std::string& source, const std::string& success) {
  std::optional<core::Error> error;
  try {
    error = state.propose(build());
  } catch (const core::InputError& e) {
    error = e.error;
  }
  if (error) state.report({source, error->what()});
  notify(ex, error ? "" : success, false);
  return !error;
}

void apply_file(AppState& state, Exchange& ex, const ArrivedFile& file, const std::string& npy_target) {
  const std::string name = base_name(file.name);
  if (ends_with(name, ".npy")) {
    std::string target = npy_target;
    const std::string stem = name.substr(0, name.size() - 4);
    for (const auto t : core::block_targets())
      if (stem == t) target = stem;
    propose_or_report(
        state, ex,
        [&] {
          const core::Matrix m = io::read_npy(file.bytes);
          return core::with_block(state.scenario(), target, 0, 0, m, core::BlockMode::replace);
        },
        name, "loaded " + name + " into " + target);
    return;
  }
  // Anything else is read as scenario JSON.
  if (const auto error = state.load_json(file.bytes)) {
    state.report({name, error->what()});
    notify(ex, "", false);
    return;
  }
  notify(ex, "loaded " + name, false);
}

void apply_paste(AppState& state, Exchange& ex, const std::string& text, const std::optional<FocusedCell>& cell) {
  if (!cell) {
    state.report({"paste", "click a cell of x or a weight matrix first: the paste fills the grid from that cell"});
    return;
  }
  std::string what;  // "3 × 4 (CSV)", known once the text is parsed
  const bool applied = propose_or_report(
      state, ex,
      [&] {
        const io::PastedMatrix pasted = io::parse_paste(text);
        what = shape_text(pasted.matrix) + " (" + io::paste_format_name(pasted.format) + ")";
        return core::with_block(state.scenario(), cell->grid, cell->row, cell->col, pasted.matrix);
      },
      "", "");
  if (applied)
    notify(ex, "pasted " + what + " into " + cell->grid + " at [" + std::to_string(cell->row) + "][" +
                   std::to_string(cell->col) + "]", false);
  // A cell being typed in would keep showing its old text: end that edit so the grid shows the paste.
  ImGui::SetWindowFocus(nullptr);
}

}  // namespace

void apply_arrivals(AppState& state, Exchange& exchange, const std::string& npy_target,
                    const std::optional<FocusedCell>& focused) {
  for (const ArrivedFile& file : exchange.files) apply_file(state, exchange, file, npy_target);
  exchange.files.clear();
  for (const std::string& text : exchange.pastes) apply_paste(state, exchange, text, focused);
  exchange.pastes.clear();
}

}  // namespace ap::ui
