// Undo/redo as commands (core/edit_history.hpp): cells, labels and whole scenarios go back and forth exactly,
// merged steps are one step, and the byte budget drops the oldest steps first.
#include <catch2/catch.hpp>

#include "core/edit_history.hpp"
#include "support/random_scenario.hpp"

using ap::core::CellAddress;
using ap::core::EditHistory;
using ap::core::Scenario;

namespace {

Scenario small_scenario() {
  std::mt19937 rng(3);
  return ap::test::random_scenario(rng, ap::test::Shape{3, 0, 4, 2, 2, 2});
}

// Applies a cell edit to `s` and records it, as AppState does.
void edit(EditHistory& h, Scenario& s, const CellAddress& c, double value, bool merge = false) {
  const double before = ap::core::read_cell(s, c);
  ap::core::write_cell(s, c, value);
  h.record_cell(c, before, value, merge);
}

}  // namespace

TEST_CASE("edit history: cell edits undo and redo exactly, in order") {
  Scenario s = small_scenario();
  const Scenario original = s;
  EditHistory h;
  edit(h, s, {"x", 1, 2}, 0.5);
  edit(h, s, {"w_q", 3, 1}, -2.25);
  edit(h, s, {"b_o", 0, 3}, 7);
  const Scenario edited = s;
  REQUIRE(h.depth() == 3);
  REQUIRE(h.undo(s));
  CHECK(s.b_o(3) == original.b_o(3));
  CHECK(s.w_q(3, 1) == -2.25);
  REQUIRE(h.undo(s));
  REQUIRE(h.undo(s));
  CHECK_FALSE(h.undo(s));
  CHECK(s.query.x == original.query.x);
  CHECK(s.w_q == original.w_q);
  CHECK(h.redo_depth() == 3);
  while (h.redo(s)) {}
  CHECK(s.query.x == edited.query.x);
  CHECK(s.w_q == edited.w_q);
  CHECK(s.b_o == edited.b_o);
}

TEST_CASE("edit history: merged keystrokes and strokes are one step; a new edit clears redo") {
  Scenario s = small_scenario();
  const double first = s.query.x(0, 0);
  EditHistory h;
  edit(h, s, {"x", 0, 0}, 1);
  edit(h, s, {"x", 0, 0}, 12, true);
  edit(h, s, {"x", 0, 1}, 5, true);  // a painted stroke over a second cell
  CHECK(h.depth() == 1);
  REQUIRE(h.undo(s));
  CHECK(s.query.x(0, 0) == first);
  REQUIRE(h.redo(s));
  CHECK(s.query.x(0, 0) == 12);
  CHECK(s.query.x(0, 1) == 5);
  REQUIRE(h.undo(s));
  edit(h, s, {"x", 2, 2}, 3, true);  // merge is refused after an undo: its step is the user's next one
  CHECK(h.depth() == 1);
  CHECK(h.redo_depth() == 0);
}

TEST_CASE("edit history: labels and whole scenarios swap back and forth") {
  Scenario s = small_scenario();
  EditHistory h;
  const std::string label = s.query.tokens[1];
  s.query.tokens[1] = "cat";
  h.record_label(false, 1, label, "cat", false);
  s.query.tokens[1] = "cats";
  h.record_label(false, 1, label, "cats", true);
  Scenario before = s;
  s.heads = 1;
  s.w_q.resize(4, 1);
  h.record_whole(before, false);
  REQUIRE(h.depth() == 2);
  REQUIRE(h.undo(s));
  CHECK(s.heads == 2);
  CHECK(s.w_q.cols() == 4);
  REQUIRE(h.undo(s));
  CHECK(s.query.tokens[1] == label);
  REQUIRE(h.redo(s));
  CHECK(s.query.tokens[1] == "cats");
  REQUIRE(h.redo(s));
  CHECK(s.heads == 1);
}

TEST_CASE("edit history: the byte budget keeps the newest steps") {
  Scenario s = small_scenario();
  const std::size_t one = ap::core::scenario_bytes(s);
  EditHistory h(3 * one);
  for (int i = 0; i < 10; ++i) {
    Scenario before = s;
    s.query.x(0, 0) = i;
    h.record_whole(std::move(before), false);
  }
  CHECK(h.bytes() <= 3 * one);
  CHECK(h.depth() >= 2);
  CHECK(h.depth() < 10);
  while (h.undo(s)) {}
  CHECK(s.query.x(0, 0) == 10 - static_cast<double>(h.redo_depth()) - 1);  // back to the oldest kept step
  for (int i = 0; i < 1000; ++i) edit(h, s, {"x", 0, 1}, i);
  CHECK(h.bytes() <= 3 * one);
}
