// Undo and redo as commands. A cell edit keeps its address and two numbers, a token rename its index and two
// labels; any other edit (a shape change, a load, a paste) keeps the scenario from the other side of it, swapped
// in and out. A byte budget bounds what is kept: the oldest steps go first.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/scenario_cells.hpp"

namespace ap::core {

inline constexpr std::size_t default_undo_budget = std::size_t{256} << 20;  // bytes (README: Limits)

// The memory a scenario holds (its numbers, labels and mask), for the budget.
std::size_t scenario_bytes(const Scenario& s);

class EditHistory {
 public:
  explicit EditHistory(std::size_t byte_budget = default_undo_budget) : budget_(byte_budget) {}

  // After the edit was applied to the scenario. merge: part of the previous step (the next keystroke of one
  // typed number, the next cell of one painted stroke, the next move of one drag), not a step of its own.
  void record_cell(const CellAddress& cell, double before, double after, bool merge);
  void record_label(bool context, int index, std::string before, std::string after, bool merge);
  void record_whole(Scenario before, bool merge);

  // Moves `current` one step back or forward; false when there is none.
  bool undo(Scenario& current);
  bool redo(Scenario& current);

  std::size_t depth() const { return undo_.size(); }
  std::size_t redo_depth() const { return redo_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t budget() const { return budget_; }

 private:
  struct CellChange {
    CellAddress cell;
    double before = 0, after = 0;
  };
  struct LabelChange {
    bool context = false;
    int index = 0;
    std::string before, after;
  };
  struct Step {
    std::vector<CellChange> cells;
    std::vector<LabelChange> labels;
    std::optional<Scenario> other;  // whole: the scenario on the other side of the step
    std::size_t bytes = 0;
  };
  enum class Kind { cells, labels, whole };
  Step* mergeable(bool merge, Kind kind);
  void push(Step step);
  static void apply(Step& step, Scenario& current, bool forward);
  void trim();

  std::deque<Step> undo_, redo_;
  std::size_t budget_, bytes_ = 0;
};

}  // namespace ap::core
