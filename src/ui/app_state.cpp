// AppState: validation at the door, recompute on every applied change.
#include "ui/app_state.hpp"

#include <algorithm>

#include "io/scenario_json.hpp"

namespace ap::ui {

namespace {
constexpr std::size_t max_undo = 200;
}

AppState::AppState(ComputeService& service, core::Scenario initial) : service_(service), scenario_(std::move(initial)) {
  core::validate_scenario(scenario_);
  recompute();
}

void AppState::recompute() {
  result_ = service_.compute(scenario_, backend_);
  ++revision_;
}

bool AppState::poll() {
  ComputeResult arrived;
  if (!service_.poll(arrived)) return false;
  result_ = std::move(arrived);
  ++revision_;
  return true;
}

std::optional<core::Error> AppState::propose(core::Scenario next, bool merge) {
  try {
    core::validate_scenario(next);
  } catch (const core::InputError& e) {
    last_error_ = e.error;
    return e.error;
  }
  if (!merge || undo_.empty()) {
    undo_.push_back(std::move(scenario_));
    if (undo_.size() > max_undo) undo_.erase(undo_.begin());
  }
  redo_.clear();
  scenario_ = std::move(next);
  last_error_.reset();
  recompute();
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

bool AppState::undo() {
  if (undo_.empty()) return false;
  redo_.push_back(std::move(scenario_));
  scenario_ = std::move(undo_.back());
  undo_.pop_back();
  recompute();
  return true;
}

bool AppState::redo() {
  if (redo_.empty()) return false;
  undo_.push_back(std::move(scenario_));
  scenario_ = std::move(redo_.back());
  redo_.pop_back();
  recompute();
  return true;
}

}  // namespace ap::ui
