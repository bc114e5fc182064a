// Hand-built scenarios. Each is small enough to read every number on screen.
#include "core/presets.hpp"

#include <random>

#include "core/error.hpp"

namespace ap::core {

namespace {

Matrix rows(std::initializer_list<std::initializer_list<double>> values) {
  const auto n = static_cast<Eigen::Index>(values.size());
  const auto d = static_cast<Eigen::Index>(values.begin()->size());
  Matrix m(n, d);
  Eigen::Index i = 0;
  for (const auto& row : values) {
    Eigen::Index j = 0;
    for (double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

Scenario classic() {
  Scenario s = make_scenario(rows({{1, 0}, {0, 1}}));
  s.query.tokens = {"a", "b"};
  return s;
}

// q = [1, 0] against k = [0, 1] (orthogonal: score 0) and k = [1, 0] (aligned: score 1).
Scenario orthogonal() {
  Scenario s = make_scenario(rows({{1, 0}}));
  s.query.tokens = {"q"};
  s.context = Sequence{{"k_perp", "k_same"}, rows({{0, 1}, {1, 0}})};
  return s;
}

// One query scored against three keys pointing different ways; values are the keys.
Scenario one_query_three_keys() {
  Scenario s = make_scenario(rows({{1, 0.5}}));
  s.query.tokens = {"query"};
  s.context = Sequence{{"east", "north", "west"}, rows({{1, 0}, {0, 1}, {-1, 0}})};
  s.scale.kind = ScaleKind::none;
  return s;
}

// "The cat sat on the mat": 4-dim hand-made embeddings (noun, verb, preposition, determiner), causal.
Scenario cat_sat() {
  Scenario s = make_scenario(rows({{0.1, 0, 0, 1},     // The
                                   {1, 0.2, 0, 0.1},   // cat
                                   {0.2, 1, 0.1, 0},   // sat
                                   {0, 0.2, 1, 0},     // on
                                   {0.1, 0, 0, 1},     // the
                                   {1, 0, 0.3, 0.1}}),  // mat
                             2);
  s.query.tokens = {"The", "cat", "sat", "on", "the", "mat"};
  // Head 0 (columns 0–1): verbs look for nouns. Head 1 (columns 2–3): nouns look back at determiners.
  s.w_q = rows({{0, 0, 0, 2}, {2, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}});
  s.w_k = rows({{2, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 2}});
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// "The animal didn't cross the street because it was too tired": a head where "it" finds "animal".
// Features: animate noun, inanimate noun, pronoun, other.
Scenario animal_tired() {
  Scenario s = make_scenario(rows({{0, 0, 0, 1},   // The
                                   {1, 0, 0, 0},   // animal
                                   {0, 0, 0, 1},   // didn't
                                   {0, 0, 0, 1},   // cross
                                   {0, 0, 0, 1},   // the
                                   {0, 1, 0, 0},   // street
                                   {0, 0, 0, 1},   // because
                                   {0, 0, 1, 0},   // it
                                   {0, 0, 0, 1},   // was
                                   {0, 0, 0, 1},   // too
                                   {0, 0, 0, 1}}));  // tired
  s.query.tokens = {"The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired"};
  // A pronoun asks "which noun is animate?": q = 3·pronoun; k = 3·animate + 1·inanimate.
  s.w_q = Matrix::Zero(4, 4);
  s.w_q(2, 0) = 3;
  s.w_k = Matrix::Zero(4, 4);
  s.w_k(0, 0) = 3;
  s.w_k(1, 0) = 1;
  return s;
}

Scenario random_scenario(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto random = [&](int r, int c, double scale) {
    Matrix m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = std::round(scale * normal(rng) * 1000) / 1000;
    return m;
  };
  Scenario s = make_scenario(random(6, 8, 1.0), 2);
  s.w_q = random(8, 8, 0.5);
  s.w_k = random(8, 8, 0.5);
  s.w_v = random(8, 8, 0.5);
  s.w_o = random(8, 8, 0.5);
  return s;
}

Scenario identity() { return make_scenario(Matrix::Identity(4, 4)); }

// The size the playground must redraw in one frame: 16 tokens, d_model 64, 8 heads.
Scenario large() {
  Scenario s = random_scenario(7);
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Matrix x(16, 64);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = std::round(normal(rng) * 1000) / 1000;
  s = make_scenario(x, 8);
  const auto random = [&](int r, int c) {
    Matrix m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = std::round(normal(rng) / 8 * 1000) / 1000;
    return m;
  };
  s.w_q = random(64, 64);
  s.w_k = random(64, 64);
  s.w_v = random(64, 64);
  s.w_o = random(64, 64);
  s.mask.causal = CausalAlign::top_left;
  return s;
}

}  // namespace

const std::vector<PresetInfo>& presets() {
  static const std::vector<PresetInfo> list = {
      {"classic", "Two tokens, identity weights", "x = [[1,0],[0,1]] with identity weights: each token is most similar to itself."},
      {"orthogonal", "q = [1,0] vs k = [0,1]", "Orthogonal vectors score 0; aligned ones score their lengths' product."},
      {"one_query", "One query, three keys", "One query is scored against three keys; softmax turns the scores into weights."},
      {"cat_sat", "The cat sat on the mat", "Two hand-built heads under a causal mask: verbs look for nouns, nouns look back at determiners."},
      {"animal_it", "The animal ... because it was too tired", "A hand-built head where the pronoun \"it\" attends to \"animal\", not \"street\"."},
      {"random", "Random (seeded)", "Random vectors and weights: 6 tokens, d_model 8, 2 heads."},
      {"identity", "Identity", "x and every weight are the identity: scores are x·xᵀ."},
      {"large", "16 tokens × 64 × 8 heads", "The size the playground redraws within one frame."},
  };
  return list;
}

Scenario make_preset(const std::string& id, unsigned seed) {
  if (id == "classic") return classic();
  if (id == "orthogonal") return orthogonal();
  if (id == "one_query") return one_query_three_keys();
  if (id == "cat_sat") return cat_sat();
  if (id == "animal_it") return animal_tired();
  if (id == "random") return random_scenario(seed);
  if (id == "identity") return identity();
  if (id == "large") return large();
  throw InputError("preset", "unknown preset \"" + id + "\"");
}

}  // namespace ap::core
