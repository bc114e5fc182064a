// AppState (ui/app_state.hpp): edits are commands, refused edits change nothing, undo/redo and merging walk
// exactly, and a computation under way is dropped before the scenario it reads changes.
#include <catch2/catch.hpp>

#include "core/presets.hpp"
#include "support/reference_service.hpp"
#include "ui/app_state.hpp"

using ap::ui::AppState;

TEST_CASE("app state: cell edits are one undo step each, merged keystrokes one together") {
  ap::test::ReferenceService service;
  AppState state(service, ap::core::make_preset("classic"));
  CHECK(state.undo_depth() == 0);
  CHECK(state.trace_fits());
  CHECK_FALSE(state.edit_cell({"x", 0, 1}, 0.5));
  CHECK(state.scenario().query.x(0, 1) == 0.5);
  CHECK(state.trace().heads[0].scores(0, 0) == Approx(1.25));  // the result follows the edit
  CHECK_FALSE(state.edit_cell({"x", 0, 1}, 0.75, true));
  CHECK(state.undo_depth() == 1);
  CHECK_FALSE(state.edit_cell({"w_q", 1, 0}, 2));
  CHECK(state.undo_depth() == 2);
  REQUIRE(state.undo());
  CHECK(state.scenario().w_q(1, 0) == 0);
  REQUIRE(state.undo());
  CHECK(state.scenario().query.x(0, 1) == 0);
  CHECK_FALSE(state.undo());
  REQUIRE(state.redo());
  CHECK(state.scenario().query.x(0, 1) == 0.75);
}

TEST_CASE("app state: a refused edit leaves scenario, history and result as they were") {
  ap::test::ReferenceService service;
  AppState state(service, ap::core::make_preset("classic"));
  const auto before = state.scenario().query.x;
  const int submits = service.submits;
  const auto error = state.edit_cell({"x", 0, 0}, std::nan(""));
  REQUIRE(error);
  CHECK(error->field == "x[0][0]");
  CHECK(state.scenario().query.x == before);
  CHECK(state.undo_depth() == 0);
  CHECK(service.submits == submits);  // nothing recomputed
  REQUIRE(state.last_error());
  auto shape = state.scenario();
  shape.heads = 3;  // 2 does not split into 3 heads
  CHECK(state.propose(shape));
  CHECK(state.scenario().heads == 1);
  CHECK(state.undo_depth() == 0);
}

TEST_CASE("app state: a stale computation is dropped before the scenario changes; views wait for a fitting trace") {
  ap::test::ReferenceService service;
  AppState state(service, ap::core::make_preset("classic"));
  service.hold = true;
  REQUIRE_FALSE(state.edit_cell({"x", 1, 1}, 3));
  CHECK(state.computing());
  CHECK(state.trace_fits());  // the older result, same shape: drawn while the new one comes
  const int cancels = service.cancels;
  REQUIRE_FALSE(state.propose(ap::core::make_preset("cat_sat")));
  CHECK(service.cancels == cancels + 1);  // the computation of the old scenario was dropped first
  CHECK_FALSE(state.trace_fits());        // a new shape: the old trace is not drawn over it
  service.release();
  CHECK(state.poll(8));
  CHECK(state.trace_fits());
  CHECK_FALSE(state.computing());
  state.cancel_compute();
  CHECK_FALSE(state.cancelled());  // nothing was under way
}

TEST_CASE("app state: token renames are one step per rename and need no recompute") {
  ap::test::ReferenceService service;
  AppState state(service, ap::core::make_preset("classic"));
  const int submits = service.submits;
  CHECK_FALSE(state.rename_token(false, 0, "c"));
  CHECK_FALSE(state.rename_token(false, 0, "ca", true));
  CHECK_FALSE(state.rename_token(false, 0, "cat", true));
  CHECK(state.undo_depth() == 1);
  CHECK(service.submits == submits);
  REQUIRE(state.undo());
  CHECK(state.scenario().query.tokens[0] == "a");
  CHECK(state.rename_token(true, 0, "x"));  // no context: refused
  CHECK(state.rename_token(false, 7, "x"));
}
