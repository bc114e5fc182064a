// The claims of the explainers' presets (core/presets.cpp), each computed by the reference and checked against the
// numbers its story states: 85 % / 5 % for "it", the orthogonal key's 33 %, "bank" twice, cat → mat ≠ mat → cat,
// cross-attention with M ≠ N, W_O mixing heads, V ≠ K, the original 8 × 512 shape.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/pipeline.hpp"
#include "core/presets.hpp"

namespace {

using ap::core::make_preset;
using ap::core::Scenario;
using ap::core::Trace;

int index_of(const std::vector<std::string>& tokens, const std::string& token, int from = 0) {
  const auto it = std::find(tokens.begin() + from, tokens.end(), token);
  REQUIRE(it != tokens.end());
  return static_cast<int>(it - tokens.begin());
}

// The weight of row `query` on key `key`, by token label (first occurrence).
double weight(const Scenario& s, const Trace& t, const std::string& query, const std::string& key, int head = 0) {
  return t.heads[static_cast<std::size_t>(head)].weights(index_of(s.query.tokens, query), index_of(s.keys().tokens, key));
}

// What the story prints: a weight as a whole percentage.
std::string percent(double w) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f %%", 100 * w);
  return text;
}

bool story_says(const std::string& id, const std::string& text) {
  for (const auto& p : ap::core::presets())
    if (p.id == id) return p.story.find(text) != std::string::npos;
  return false;
}

// The weight of `query` on `key` rounds to `expected` ("75 %"), and the preset's story says so.
void check_claim(const std::string& id, const Scenario& s, const Trace& t, const std::string& query,
                 const std::string& key, const std::string& expected) {
  INFO(id << ": " << query << " → " << key);
  CHECK(percent(weight(s, t, query, key)) == expected);
  CHECK(story_says(id, expected));
}

Eigen::Index argmax(const ap::core::Matrix& m, Eigen::Index row) {
  Eigen::Index j = -1;
  m.row(row).maxCoeff(&j);
  return j;
}

}  // namespace

TEST_CASE("presets: \"it\" puts 85 % on \"animal\" and 5 % on \"tired\" without a mask") {
  const Scenario s = make_preset("animal_it");
  REQUIRE(s.mask.is_none());
  const Trace t = ap::core::compute_reference(s);
  const double animal = weight(s, t, "it", "animal"), tired = weight(s, t, "it", "tired");
  CHECK(animal == Approx(0.85).margin(0.005));
  CHECK(tired == Approx(0.05).margin(0.005));
  check_claim("animal_it", s, t, "it", "animal", "85 %");
  check_claim("animal_it", s, t, "it", "tired", "5 %");
  CHECK(argmax(t.heads[0].weights, index_of(s.query.tokens, "it")) == index_of(s.query.tokens, "animal"));
  // the output of "it" is 85 % of the value of "animal" and 5 % of the value of "tired", and so on
  const int it = index_of(s.query.tokens, "it");
  const ap::core::Matrix mix = t.heads[0].weights.row(it) * t.heads[0].v;
  CHECK((t.heads[0].output.row(it) - mix).cwiseAbs().maxCoeff() < 1e-15);
}

TEST_CASE("presets: the causal twin: \"it\" cannot see \"tired\"") {
  const Scenario s = make_preset("animal_it_causal");
  const Trace t = ap::core::compute_reference(s);
  CHECK(weight(s, t, "it", "tired") == 0.0);
  CHECK(weight(s, t, "it", "animal") > 0.9);
  CHECK(story_says("animal_it_causal", "0 %"));
}

TEST_CASE("presets: q = [1, 0] against k = [0, 1] scores 0 and still gets 33 %") {
  const Scenario s = make_preset("orthogonal");
  const Trace t = ap::core::compute_reference(s);
  REQUIRE(t.heads[0].q.row(0) == (ap::core::Matrix(1, 2) << 1, 0).finished());
  REQUIRE(t.heads[0].k.row(0) == (ap::core::Matrix(1, 2) << 0, 1).finished());
  CHECK(t.heads[0].scores(0, 0) == 0.0);
  CHECK(t.heads[0].weights(0, 0) == Approx(1 / (1 + std::exp(1 / std::sqrt(2.0)))).epsilon(1e-14));
  CHECK(percent(t.heads[0].weights(0, 0)) == "33 %");
  CHECK(story_says("orthogonal", "33 %"));
}

TEST_CASE("presets: the trophy, not the suitcase") {
  const Scenario s = make_preset("trophy");
  const Trace t = ap::core::compute_reference(s);
  check_claim("trophy", s, t, "it", "trophy", "75 %");
  check_claim("trophy", s, t, "it", "suitcase", "8 %");
}

TEST_CASE("presets: \"bank\": the same token, two outputs") {
  const Scenario s = make_preset("bank");
  const Trace t = ap::core::compute_reference(s);
  const int first = index_of(s.query.tokens, "bank"), second = index_of(s.query.tokens, "bank", first + 1);
  REQUIRE(s.query.x.row(first) == s.query.x.row(second));
  CHECK((t.output.row(first) - t.output.row(second)).norm() > 1.0);
  CHECK(weight(s, t, "bank", "river") > 0.9);
  CHECK(t.heads[0].weights(second, index_of(s.query.tokens, "investment")) > 0.9);
  CHECK(t.heads[0].weights(first, index_of(s.query.tokens, "investment")) == 0.0);  // the other phrase is masked
}

TEST_CASE("presets: \"chased\" finds its agent and object; the others' claims hold") {
  {
    const Scenario s = make_preset("cat_chased");
    const Trace t = ap::core::compute_reference(s);
    check_claim("cat_chased", s, t, "chased", "cat", "50 %");
    check_claim("cat_chased", s, t, "chased", "mouse", "30 %");
    CHECK(t.heads[0].k.row(1) != t.heads[0].v.row(1));  // the key of "cat" is not its value
  }
  {
    const Scenario s = make_preset("she_martinez");
    const Trace t = ap::core::compute_reference(s);
    check_claim("she_martinez", s, t, "she", "Martinez", "80 %");
    check_claim("she_martinez", s, t, "she", "Dr.", "8 %");
    CHECK(index_of(s.query.tokens, "she") - index_of(s.query.tokens, "Martinez") == 6);
  }
  {
    const Scenario s = make_preset("research_paper");
    const Trace t = ap::core::compute_reference(s);
    check_claim("research_paper", s, t, "clear", "paper", "81 %");
    CHECK(index_of(s.query.tokens, "clear") - index_of(s.query.tokens, "paper") == 12);
  }
}

TEST_CASE("presets: cat → mat ≠ mat → cat") {
  const Scenario s = make_preset("cat_mat");
  REQUIRE(s.mask.is_none());
  const Trace t = ap::core::compute_reference(s);
  const int cat = index_of(s.query.tokens, "cat"), mat = index_of(s.query.tokens, "mat");
  CHECK(t.heads[0].scores(cat, mat) == 4.0);
  CHECK(t.heads[0].scores(mat, cat) == 1.0);
  check_claim("cat_mat", s, t, "cat", "mat", "60 %");
  check_claim("cat_mat", s, t, "mat", "cat", "25 %");
}

TEST_CASE("presets: translation-style cross-attention, M ≠ N, the order crossed") {
  const Scenario s = make_preset("translation");
  REQUIRE(s.context);
  REQUIRE(s.n() == 3);
  REQUIRE(s.m() == 4);
  const Trace t = ap::core::compute_reference(s);
  const auto& keys = s.keys().tokens;
  CHECK(keys[static_cast<std::size_t>(argmax(t.heads[0].weights, 0))] == "the");
  CHECK(keys[static_cast<std::size_t>(argmax(t.heads[0].weights, 1))] == "cat");
  CHECK(keys[static_cast<std::size_t>(argmax(t.heads[0].weights, 2))] == "black");
  check_claim("translation", s, t, "chat", "cat", "71 %");
}

TEST_CASE("presets: W_O mixes the heads") {
  const Scenario s = make_preset("mixing_heads");
  REQUIRE(s.heads == 2);
  CHECK(s.w_o != ap::core::Matrix::Identity(4, 4));
  // every output column reads both heads' rows of W_O
  for (int c = 0; c < 4; ++c) {
    CHECK(s.w_o.block(0, c, s.d_v, 1).cwiseAbs().maxCoeff() > 0);
    CHECK(s.w_o.block(s.d_v, c, s.d_v, 1).cwiseAbs().maxCoeff() > 0);
  }
  const Trace t = ap::core::compute_reference(s);
  CHECK(weight(s, t, "chased", "cat", 0) > 0.9);
  CHECK(weight(s, t, "chased", "mouse", 1) > 0.9);
  const int chased = index_of(s.query.tokens, "chased");
  CHECK((t.output.row(chased) - t.concat.row(chased)).norm() > 0.1);
  // silence either head and every output column of "chased" changes
  for (int h = 0; h < 2; ++h) {
    ap::core::Matrix concat = t.concat;
    concat.middleCols(h * s.d_v, s.d_v).setZero();
    const ap::core::Matrix without = concat * s.w_o;
    for (int c = 0; c < 4; ++c) CHECK(without(chased, c) != t.output(chased, c));
  }
}

TEST_CASE("presets: the key is the headline, the value the article (V ≠ K)") {
  const Scenario s = make_preset("key_value");
  const Trace t = ap::core::compute_reference(s);
  REQUIRE(s.d_k == 2);
  REQUIRE(s.d_v == 4);
  CHECK(t.heads[0].k.cols() != t.heads[0].v.cols());
  check_claim("key_value", s, t, "reader", "markets", "74 %");
  const ap::core::Matrix mix = t.heads[0].weights.row(0) * t.heads[0].v;  // what the reader receives: values
  CHECK((t.heads[0].output.row(0) - mix).cwiseAbs().maxCoeff() < 1e-15);
  CHECK(t.heads[0].output(0, 1) > 1.4);  // mostly the markets article's 2, which its key never showed
}

TEST_CASE("presets: the original layer's shape: 8 heads × d_model 512") {
  const Scenario s = make_preset("original_shape");
  CHECK(s.heads == 8);
  CHECK(s.d_model() == 512);
  CHECK(s.d_k == 64);
  CHECK(s.d_v == 64);
  CHECK(s.w_q.rows() == 512);
  CHECK(s.w_q.cols() == 512);
  const Trace t = ap::core::compute_reference(s);
  REQUIRE(t.heads.size() == 8);
  CHECK(t.heads[7].q.cols() == 64);
  CHECK(t.scale == Approx(0.125));
}

TEST_CASE("presets: at least twelve named after the explainers' sentences, each with a story") {
  int count = 0;
  for (const char* id : {"animal_it", "animal_it_causal", "orthogonal", "trophy", "bank", "cat_chased", "she_martinez",
                         "research_paper", "cat_mat", "translation", "mixing_heads", "key_value", "original_shape"}) {
    INFO(id);
    const auto& list = ap::core::presets();
    const auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.id == id; });
    REQUIRE(it != list.end());
    CHECK_FALSE(it->story.empty());
    ++count;
  }
  CHECK(count >= 12);
}
