// Textbook examples from the presets (core/presets.cpp), checked on every backend of this build:
// orthogonal vectors score 0, one query against three keys, "The cat sat on the mat" under a causal
// mask, "it" finding "animal"; and every preset validates and computes finite numbers.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/presets.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"

namespace {

using ap::core::make_preset;
using ap::kernels::backend_names;
using ap::kernels::run_backend;

// Every float backend rounds inputs and results to float; double reference results must be exact below.
double tolerance(const std::string& backend) { return backend == "reference" ? 1e-15 : 1e-6; }

}  // namespace

TEST_CASE("textbook: q = [1,0] against k = [0,1] scores 0") {
  const auto s = make_preset("orthogonal");
  REQUIRE(s.n() == 1);
  REQUIRE(s.m() == 2);
  for (const auto& backend : backend_names()) {
    INFO(backend);
    const auto t = run_backend(backend, s);
    CHECK(t.heads[0].scores(0, 0) == 0.0);  // orthogonal: exactly 0 in any precision
    CHECK(t.heads[0].scores(0, 1) == 1.0);  // aligned unit vectors
    CHECK(t.heads[0].weights(0, 1) > t.heads[0].weights(0, 0));
  }
}

TEST_CASE("textbook: one query against three keys; weights are the softmax of the scores") {
  const auto s = make_preset("one_query");
  REQUIRE(s.scale.factor(s.d_k) == 1.0);  // scale "none": weights = softmax(scores)
  for (const auto& backend : backend_names()) {
    INFO(backend);
    const auto t = run_backend(backend, s);
    const auto& h = t.heads[0];
    REQUIRE(h.scores.cols() == 3);
    CHECK(h.scores(0, 0) == 1.0);
    CHECK(h.scores(0, 1) == 0.5);
    CHECK(h.scores(0, 2) == -1.0);
    // softmax of [1, 0.5, -1], computed here the textbook way
    const double e0 = std::exp(1.0 - 1.0), e1 = std::exp(0.5 - 1.0), e2 = std::exp(-1.0 - 1.0);
    const double sum = e0 + e1 + e2;
    const double expected[] = {e0 / sum, e1 / sum, e2 / sum};
    for (int j = 0; j < 3; ++j) {
      if (backend == "reference")
        CHECK(h.weights(0, j) == expected[j]);  // same operations in the same order: bit for bit
      else
        CHECK(h.weights(0, j) == Approx(expected[j]).epsilon(tolerance(backend)));
    }
    // the output is the weighted mix of the values (the keys themselves)
    CHECK(t.output(0, 0) == Approx(expected[0] - expected[2]).epsilon(tolerance(backend)));
    CHECK(t.output(0, 1) == Approx(expected[1]).epsilon(tolerance(backend)));
  }
}

TEST_CASE("textbook: \"The cat sat on the mat\" under a causal mask") {
  const auto s = make_preset("cat_sat");
  REQUIRE(s.n() == 6);
  REQUIRE(s.query.tokens.front() == "The");
  REQUIRE(s.query.tokens.back() == "mat");
  for (const auto& backend : backend_names()) {
    INFO(backend);
    const auto t = run_backend(backend, s);
    REQUIRE(t.heads.size() == 2);
    for (const auto& h : t.heads) {
      CHECK(h.weights(0, 0) == 1.0);  // "The" can only look at itself
      for (int i = 0; i < 6; ++i) {
        for (int j = i + 1; j < 6; ++j) CHECK(h.weights(i, j) == 0.0);  // nothing from the future
        CHECK(h.weights.row(i).sum() == Approx(1.0).epsilon(tolerance(backend)));
      }
    }
  }
}

TEST_CASE("textbook: in \"...because it was too tired\", \"it\" attends most to \"animal\"") {
  const auto s = make_preset("animal_it");
  const auto& tokens = s.query.tokens;
  const auto it = static_cast<int>(std::find(tokens.begin(), tokens.end(), "it") - tokens.begin());
  const auto animal = static_cast<int>(std::find(tokens.begin(), tokens.end(), "animal") - tokens.begin());
  const auto street = static_cast<int>(std::find(tokens.begin(), tokens.end(), "street") - tokens.begin());
  REQUIRE(it < static_cast<int>(tokens.size()));
  for (const auto& backend : backend_names()) {
    INFO(backend);
    const auto t = run_backend(backend, s);
    Eigen::Index argmax = -1;
    t.heads[0].weights.row(it).maxCoeff(&argmax);
    CHECK(argmax == animal);
    CHECK(t.heads[0].weights(it, animal) > t.heads[0].weights(it, street));
  }
}

TEST_CASE("textbook: every preset validates and computes finite numbers on every backend (fp16_overflow: listed ones)") {
  const auto& list = ap::core::presets();
  REQUIRE(list.size() >= 5);
  std::set<std::string> ids;
  for (const auto& info : list) {
    INFO(info.id);
    CHECK(ids.insert(info.id).second);  // ids are unique
    CHECK_FALSE(info.title.empty());
    CHECK_FALSE(info.story.empty());
    const auto s = make_preset(info.id);
    CHECK_NOTHROW(ap::core::validate_scenario(s));
    const auto reference = run_backend("reference", s);
    for (const auto& backend : backend_names()) {
      INFO(backend);
      const auto t = run_backend(backend, s);
      if (info.id == "fp16_overflow") {  // its point: fp16 overflows, and every backend lists the same cells
        CHECK(t.nonfinite.size() == reference.nonfinite.size());
        CHECK_FALSE(t.nonfinite.empty());
        continue;
      }
      CHECK(t.output.allFinite());
      CHECK(t.concat.allFinite());
      for (const auto& h : t.heads) {
        CHECK(h.weights.allFinite());
        CHECK(h.scores.allFinite());
      }
      CHECK(ap::test::rel_err(t.output, reference.output) <= (backend == "reference" ? 0.0 : 1e-5));
    }
  }
  CHECK_THROWS_AS(make_preset("no such preset"), ap::core::InputError);
}

TEST_CASE("textbook: classic and identity presets: each token is most similar to itself") {
  for (const char* id : {"classic", "identity"}) {
    INFO(id);
    const auto t = run_backend("reference", make_preset(id));
    const auto& w = t.heads[0].weights;
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
      Eigen::Index argmax = -1;
      w.row(i).maxCoeff(&argmax);
      CHECK(argmax == i);
    }
  }
}
