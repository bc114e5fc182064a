// The trace as JSON (SPEC §2, what `attention-cli run` prints): the keys the contract names, shapes
// that match the scenario, and numbers equal to the trace's.
#include <catch2/catch.hpp>

#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "io/trace_json.hpp"
#include "support/numeric.hpp"

TEST_CASE("trace json: the keys and shapes of SPEC §2") {
  const auto s = ap::core::make_preset("cat_sat");
  const auto t = ap::core::compute_reference(s);
  const nlohmann::json j = ap::io::trace_to_json(t);
  for (const char* key : {"output", "concat", "heads", "diagnostics", "backend"}) CHECK(j.contains(key));
  CHECK(j.at("backend") == "reference");
  CHECK(ap::test::matrix_from_json(j.at("output")) == t.output);
  CHECK(ap::test::matrix_from_json(j.at("concat")) == t.concat);
  REQUIRE(j.at("heads").size() == 2);
  for (std::size_t h = 0; h < 2; ++h) {
    const auto& jh = j.at("heads")[h];
    for (const char* key : {"q", "k", "v", "scores", "scaled", "weights", "output"}) CHECK(jh.contains(key));
    CHECK(ap::test::matrix_from_json(jh.at("weights")) == t.heads[h].weights);
    CHECK(ap::test::matrix_from_json(jh.at("scaled")) == t.heads[h].scaled);
  }
  // diagnostics per head and row: entropy, max weight, variance of the scaled scores
  const auto& diag = j.at("diagnostics").at("heads");
  REQUIRE(diag.size() == 2);
  for (std::size_t h = 0; h < 2; ++h)
    for (const char* key : {"entropy", "effective_keys", "max_weight", "scaled_variance", "jacobian_norm"}) {
      INFO(key);
      REQUIRE(diag[h].contains(key));
      CHECK(diag[h].at(key).size() == static_cast<std::size_t>(s.n()));
    }
  CHECK(diag[1].at("entropy").get<std::vector<double>>() == t.heads[1].diagnostics.entropy);
}

TEST_CASE("trace json: numbers survive dump and parse exactly") {
  const auto t = ap::core::compute_reference(ap::core::make_preset("random", 3));
  const auto j = nlohmann::json::parse(ap::io::trace_to_json(t).dump());
  CHECK(ap::test::matrix_from_json(j.at("output")) == t.output);
  CHECK(ap::test::matrix_from_json(j.at("heads")[1].at("q")) == t.heads[1].q);
}

TEST_CASE("trace json: non-finite cells are null and listed under nonfinite; computed_in names the arithmetic") {
  // x ~ 1e200 with scale "none": q·k passes double's 1.8e308 on the reference
  auto s = ap::core::make_scenario(ap::core::Matrix{{1e200, 0}, {0, 1}});
  s.scale.kind = ap::core::ScaleKind::none;
  const auto t = ap::core::compute_reference(s);
  const nlohmann::json j = nlohmann::json::parse(ap::io::trace_to_json(t).dump());
  CHECK(j.at("computed_in") == "float64");
  CHECK(j.at("heads")[0].at("scores")[0][0].is_null());
  const auto& cells = j.at("nonfinite");
  REQUIRE(cells.size() == t.nonfinite.size());
  REQUIRE_FALSE(cells.empty());
  bool score_listed = false;
  for (const auto& c : cells) {
    for (const char* key : {"head", "matrix", "row", "col"}) REQUIRE(c.contains(key));
    if (c.at("matrix") == "scores" && c.at("head") == 0 && c.at("row") == 0 && c.at("col") == 0) score_listed = true;
    if (c.at("matrix") == "output" && c.at("head").is_null()) CHECK(j.at("output")[c.at("row").get<std::size_t>()][c.at("col").get<std::size_t>()].is_null());
  }
  CHECK(score_listed);
  // and nothing is listed when nothing overflows
  const auto fine = nlohmann::json::parse(ap::io::trace_to_json(ap::core::compute_reference(ap::core::make_preset("cat_sat"))).dump());
  CHECK(fine.at("nonfinite").empty());
}
