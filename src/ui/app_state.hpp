// The one state the panels edit: the scenario on screen, its trace, the backend, undo/redo.
// Every edit is a whole proposed scenario: validated, then applied (and recomputed) or refused with
// a message, leaving the current scenario untouched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "ui/compute_service.hpp"

namespace ap::ui {

class AppState {
 public:
  AppState(ComputeService& service, core::Scenario initial);

  const core::Scenario& scenario() const { return scenario_; }
  const core::Trace& trace() const { return result_.trace; }
  const ComputeResult& result() const { return result_; }
  const std::string& backend() const { return backend_; }
  std::vector<std::string> backends() const { return service_.backends(); }
  std::string backends_note() const { return service_.backends_note(); }
  bool pending() const { return result_.pending; }  // the GPU's result is still on its way

  // Validates `next`; applies and recomputes it, or keeps the current scenario and records the error.
  // merge: replace the last undo step instead of adding one (further keystrokes of the same edit).
  std::optional<core::Error> propose(core::Scenario next, bool merge = false);
  std::optional<core::Error> load_json(std::string_view text);
  std::optional<core::Error> set_backend(const std::string& name);

  // Takes an asynchronous backend's result when it has arrived (called every frame); true if it did.
  bool poll();

  bool undo();
  bool redo();
  std::size_t undo_depth() const { return undo_.size(); }

  // The last refusal, shown in the status bar until the next successful edit.
  const std::optional<core::Error>& last_error() const { return last_error_; }
  void clear_error() { last_error_.reset(); }
  void report(core::Error error) { last_error_ = std::move(error); }  // a refusal found by a view
  // Bumped on every applied change, so views can cache derived data.
  unsigned revision() const { return revision_; }

 private:
  void recompute();

  ComputeService& service_;
  core::Scenario scenario_;
  std::string backend_ = "reference";
  ComputeResult result_;
  std::vector<core::Scenario> undo_, redo_;
  std::optional<core::Error> last_error_;
  unsigned revision_ = 0;
};

}  // namespace ap::ui
