// One cell of a scenario by name (core/scenario_cells.hpp): every matrix the editor shows, values checked as
// validate_scenario would, and a missing cell named.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/scenario_cells.hpp"
#include "support/random_scenario.hpp"

using ap::core::CellAddress;

TEST_CASE("scenario cells: read and write every named matrix") {
  std::mt19937 rng(5);
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{3, 4, 5, 1, 2, 3});
  s.mask.allow = ap::core::AllowMatrix::Ones(3, 4);
  s.mask.key_valid = std::vector<std::uint8_t>(4, 1);
  s.positional.kind = ap::core::PositionalKind::learned;
  s.positional.learned = ap::core::Matrix::Zero(4, 5);
  for (const char* m : {"x", "context.x", "w_q", "w_k", "w_v", "w_o", "positional.learned"}) {
    INFO(m);
    ap::core::write_cell(s, {m, 1, 1}, 0.125);
    CHECK(ap::core::read_cell(s, {m, 1, 1}) == 0.125);
  }
  for (const char* v : {"b_q", "b_k", "b_v", "b_o"}) {
    ap::core::write_cell(s, {v, 0, 1}, -3);
    CHECK(ap::core::read_cell(s, {v, 0, 1}) == -3);
  }
  ap::core::write_cell(s, {"mask.allow", 2, 3}, 0);
  CHECK((*s.mask.allow)(2, 3) == 0);
  ap::core::write_cell(s, {"mask.key_valid", 0, 2}, 0);
  CHECK((*s.mask.key_valid)[2] == 0);
  CHECK(CellAddress{"x", 3, 1}.name() == "x[3][1]");
  CHECK(CellAddress{"b_q", 0, 2}.name() == "b_q[2]");
}

TEST_CASE("scenario cells: bad values and missing cells are refused, naming the cell") {
  std::mt19937 rng(6);
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{2, 0, 3, 1, 3, 3});
  const ap::core::Scenario before = s;
  const auto refused = [&](const CellAddress& c, double v, const std::string& field) {
    try {
      ap::core::write_cell(s, c, v);
      FAIL("accepted " << c.name());
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.field == field);
    }
  };
  refused({"w_k", 1, 2}, std::nan(""), "w_k[1][2]");
  refused({"x", 0, 0}, HUGE_VAL, "x[0][0]");
  refused({"x", 2, 0}, 1, "x[2][0]");
  refused({"w_q", -1, 0}, 1, "w_q[-1][0]");
  refused({"context.x", 0, 0}, 1, "context.x[0][0]");  // no context here
  refused({"mask.allow", 0, 0}, 1, "mask.allow[0][0]");
  refused({"nonsense", 0, 0}, 1, "nonsense[0][0]");
  s.mask.allow = ap::core::AllowMatrix::Ones(2, 2);
  refused({"mask.allow", 0, 0}, 0.5, "mask.allow[0][0]");
  CHECK(s.query.x == before.query.x);
  CHECK(s.w_k == before.w_k);
}
