// Undo/redo by commands (see edit_history.hpp).
#include "core/edit_history.hpp"

#include <utility>

namespace ap::core {

namespace {
constexpr std::size_t step_overhead = 64;
constexpr std::size_t cell_change_bytes = 64;
}  // namespace

std::size_t scenario_bytes(const Scenario& s) {
  std::size_t numbers = s.query.x.size() + s.w_q.size() + s.w_k.size() + s.w_v.size() + s.w_o.size() + s.b_q.size() +
                        s.b_k.size() + s.b_v.size() + s.b_o.size() + s.positional.learned.size();
  std::size_t bytes = 0;
  if (s.context) numbers += s.context->x.size();
  for (const auto& t : s.query.tokens) bytes += t.size() + 32;
  if (s.context)
    for (const auto& t : s.context->tokens) bytes += t.size() + 32;
  if (s.mask.allow) bytes += static_cast<std::size_t>(s.mask.allow->size());
  if (s.mask.key_valid) bytes += s.mask.key_valid->size();
  return bytes + numbers * sizeof(double) + sizeof(Scenario);
}

EditHistory::Step* EditHistory::mergeable(bool merge, Kind kind) {
  if (!merge || undo_.empty() || !redo_.empty()) return nullptr;
  Step& last = undo_.back();
  const Kind last_kind = last.other ? Kind::whole : !last.labels.empty() ? Kind::labels : Kind::cells;
  return last_kind == kind ? &last : nullptr;
}

void EditHistory::push(Step step) {
  for (const Step& s : redo_) bytes_ -= s.bytes;
  redo_.clear();
  bytes_ += step.bytes;
  undo_.push_back(std::move(step));
  trim();
}

void EditHistory::trim() {
  while (bytes_ > budget_ && undo_.size() > 1) {  // the newest step stays, whatever its size
    bytes_ -= undo_.front().bytes;
    undo_.pop_front();
  }
}

void EditHistory::record_cell(const CellAddress& cell, double before, double after, bool merge) {
  if (Step* last = mergeable(merge, Kind::cells)) {
    for (CellChange& c : last->cells)
      if (c.cell == cell) {
        c.after = after;
        return;
      }
    last->cells.push_back({cell, before, after});
    last->bytes += cell_change_bytes;
    bytes_ += cell_change_bytes;
    trim();
    return;
  }
  Step step;
  step.cells.push_back({cell, before, after});
  step.bytes = step_overhead + cell_change_bytes;
  push(std::move(step));
}

void EditHistory::record_label(bool context, int index, std::string before, std::string after, bool merge) {
  if (Step* last = mergeable(merge, Kind::labels)) {
    for (LabelChange& c : last->labels)
      if (c.context == context && c.index == index) {
        c.after = std::move(after);  // labels are small: the step's size is not recounted
        return;
      }
  }
  Step step;
  step.bytes = step_overhead + before.size() + after.size() + 2 * sizeof(std::string);
  step.labels.push_back({context, index, std::move(before), std::move(after)});
  push(std::move(step));
}

void EditHistory::record_whole(Scenario before, bool merge) {
  if (mergeable(merge, Kind::whole)) return;  // the step already holds the scenario from before the first move
  Step step;
  step.bytes = step_overhead + scenario_bytes(before);
  step.other = std::move(before);
  push(std::move(step));
}

void EditHistory::apply(Step& step, Scenario& current, bool forward) {
  if (step.other) {
    std::swap(current, *step.other);
    return;
  }
  if (forward) {
    for (const CellChange& c : step.cells) write_cell(current, c.cell, c.after);
  } else {
    for (auto it = step.cells.rbegin(); it != step.cells.rend(); ++it) write_cell(current, it->cell, it->before);
  }
  for (const LabelChange& l : step.labels) {
    auto& tokens = l.context ? current.context->tokens : current.query.tokens;
    tokens[static_cast<std::size_t>(l.index)] = forward ? l.after : l.before;
  }
}

bool EditHistory::undo(Scenario& current) {
  if (undo_.empty()) return false;
  Step step = std::move(undo_.back());
  undo_.pop_back();
  apply(step, current, false);
  redo_.push_back(std::move(step));
  return true;
}

bool EditHistory::redo(Scenario& current) {
  if (redo_.empty()) return false;
  Step step = std::move(redo_.back());
  redo_.pop_back();
  apply(step, current, true);
  undo_.push_back(std::move(step));
  return true;
}

}  // namespace ap::core
