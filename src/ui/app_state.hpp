// The one state the panels edit: the scenario on screen, the result shown for it, the backend, undo/redo.
// Edits are commands: one cell (x[3][1] = 0.5), one token's label, or a whole proposed scenario (a shape
// change, a load, a paste), each validated first, then applied or refused with a message that leaves the
// scenario untouched. The result is computed off the edit path (ComputeService): until it arrives the views
// show the previous result where it still fits the scenario's shape, marked as updating.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/edit_history.hpp"
#include "core/error.hpp"
#include "core/scenario_cells.hpp"
#include "ui/compute_service.hpp"

namespace ap::ui {

class AppState {
 public:
  AppState(ComputeService& service, core::Scenario initial, std::string backend = "simd");

  const core::Scenario& scenario() const { return scenario_; }
  const core::Trace& trace() const { return result_.trace; }
  const ComputeResult& result() const { return result_; }
  const std::string& backend() const { return backend_; }
  std::vector<std::string> backends() const { return service_.backends(); }
  std::string backends_note() const { return service_.backends_note(); }

  bool computing() const { return service_.computing(); }  // the result for the scenario on screen is on its way
  bool comparing() const { return service_.comparing(); }  // the comparison with the reference is under way
  bool cancelled() const { return cancelled_; }            // the user stopped it: the result shown is older
  double progress() const { return service_.progress(); }
  bool pending() const { return computing(); }
  // The result's shapes are the scenario's, so views may draw it (the latest, or an older one while updating).
  bool trace_fits() const;
  // Heads whose N × M matrices the trace holds (every head of a small layer; the shown ones of a large one).
  bool head_recorded(int head) const;

  // Validates `next`; applies and recomputes it, or keeps the current scenario and records the error.
  // merge: part of the previous undo step (the next move of one drag) instead of a step of its own.
  std::optional<core::Error> propose(core::Scenario next, bool merge = false);
  std::optional<core::Error> edit_cell(const core::CellAddress& cell, double value, bool merge = false);
  // The text typed into a number cell: a number is applied as edit_cell; anything else is refused with one line
  // naming the cell ("x[0][1]: expected a number, got "abc" (x row 0 (token q0), column 1 (feature 1)); the cell
  // keeps 0.988305)"), the scenario kept. done: typing has ended (Enter, Tab, a click away); before that, text
  // that may still become a number ("-", "1e") is neither applied nor refused.
  std::optional<core::Error> edit_cell_text(const core::CellAddress& cell, std::string_view text, bool done, bool merge = false);
  std::optional<core::Error> rename_token(bool context, int index, std::string label, bool merge = false);
  std::optional<core::Error> load_json(std::string_view text);
  std::optional<core::Error> set_backend(const std::string& name);
  // The heads the views show; a large layer whose trace lacks one of them is recomputed with it.
  void set_shown_heads(std::vector<int> heads);

  // Called every frame: gives the computation up to budget_ms and takes its result when it arrives; true then.
  bool poll(double budget_ms = 8.0);
  void cancel_compute();          // stops the computation under way (the views keep the older result)
  void recompute();               // computes the scenario on screen again (after a cancel)
  void compare_with_reference() { service_.compare_with_reference(); }

  bool undo();
  bool redo();
  std::size_t undo_depth() const { return history_.depth(); }
  const core::EditHistory& history() const { return history_; }

  // The last refusal, shown in the status bar until the next successful edit.
  const std::optional<core::Error>& last_error() const { return last_error_; }
  void clear_error() { last_error_.reset(); }
  void report(core::Error error) { last_error_ = std::move(error); }  // a refusal found by a view
  // Bumped on every applied change and every result, so views can cache derived data.
  unsigned revision() const { return revision_; }
  unsigned scenario_revision() const { return scenario_revision_; }  // bumped by changes of the scenario only

 private:
  void changed();  // the scenario changed: recompute, bump revisions

  ComputeService& service_;
  core::Scenario scenario_;
  std::string backend_;
  std::vector<int> shown_heads_{0};
  ComputeResult result_;
  bool cancelled_ = false;
  core::EditHistory history_;
  std::optional<core::Error> last_error_;
  unsigned revision_ = 0, scenario_revision_ = 0;
};

}  // namespace ap::ui
