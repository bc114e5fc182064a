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
