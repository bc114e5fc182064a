// Hand-built scenarios. Each is small enough to read every number on screen.
#include "core/presets.hpp"

#include <cmath>
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

// ---- SPEC §1b: what today's models run

// Seeded weights rounded to three decimals, so every number on screen is short.
Matrix rounded_random(std::mt19937& rng, int r, int c, double sd) {
  std::normal_distribution<double> normal(0.0, sd);
  Matrix m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = std::round(normal(rng) * 1000) / 1000;
  return m;
}

// Grouped-query attention: 4 query heads share 2 K/V heads (W_K and W_V are half as wide), causal.
Scenario gqa() {
  std::mt19937 rng(14);
  Scenario s = make_scenario(rounded_random(rng, 6, 8, 1.0), 4);
  s.query.tokens = {"we", "share", "keys", "and", "values", "here"};
  s.variants.kv_heads = 2;
  s.w_q = rounded_random(rng, 8, 8, 0.6);
  s.w_k = rounded_random(rng, 8, 4, 0.6);
  s.w_v = rounded_random(rng, 8, 4, 0.6);
  s.b_k = RowVector::Zero(4);
  s.b_v = RowVector::Zero(4);
  s.w_o = rounded_random(rng, 8, 8, 0.5);
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// ALiBi on 12 tokens of alike content: without it every head spreads its weight evenly; with it each head's slope
// (1/4, 1/16, 1/64, 1/256) sets how far back it looks.
Scenario alibi() {
  std::mt19937 rng(21);
  Scenario s = make_scenario(rounded_random(rng, 12, 8, 0.3), 4);
  s.query.tokens = {"a", "long", "line", "of", "words", "that", "look", "much", "alike", "to", "each", "head"};
  s.variants.alibi = true;
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// Soft-capping at c = 5: a query's raw scores −2 … 14 become 5·tanh(score / 5), so 9 and 14 end up close to 5.
Scenario softcap() {
  Scenario s = make_scenario(rows({{1, 0}, {0.5, 0}}));
  s.query.tokens = {"q", "q/2"};
  s.context = Sequence{{"k-2", "k0", "k2", "k5", "k9", "k14"}, rows({{-2, 1}, {0, 1}, {2, 1}, {5, 1}, {9, 1}, {14, 1}})};
  s.scale.kind = ScaleKind::none;
  s.variants.softcap = 5.0;
  return s;
}

// Attention sinks: head 0 (verbs look for an animate subject) finds "cat" from "ran"; every other row has nothing
// to look for and parks its weight on the sink (logit 3) instead of spreading it over the sentence. Head 1
// ("the" looks for a noun, sink 1) does the same until "rain" has appeared. Features: animate, inanimate, verb, other.
Scenario sinks() {
  Scenario s = make_scenario(rows({{0, 0, 0, 1},   // <s>
                                   {0, 0, 0, 1},   // the
                                   {0, 1, 0, 0},   // rain
                                   {0, 0, 1, 0},   // fell
                                   {0, 0, 0, 1},   // the
                                   {1, 0, 0, 0},   // cat
                                   {0, 0, 1, 0}}),  // ran
                             2);
  s.query.tokens = {"<s>", "the", "rain", "fell", "the", "cat", "ran"};
  s.w_q = Matrix::Zero(4, 4);
  s.w_q(2, 0) = 3;  // head 0: a verb asks for an animate noun
  s.w_q(3, 2) = 2;  // head 1: "other" (the) asks for a noun
  s.w_k = Matrix::Zero(4, 4);
  s.w_k(0, 0) = 3;
  s.w_k(0, 2) = 2;
  s.w_k(1, 2) = 2;
  s.mask.causal = CausalAlign::top_left;
  s.variants.sinks = RowVector(2);
  (*s.variants.sinks) << 3, 1;
  return s;
}

// A left-padded sequence under a causal mask with key padding: the pad's row has no key it may attend. With −∞ its
// weights are zero; with −1e9 (as much code writes the mask) they are uniform over every key, the future included.
Scenario mask_fill() {
  Scenario s = make_scenario(rows({{0, 0, 0, 0}, {1, 0, 0, 0.5}, {0, 1, 0, 0.5}, {0, 0, 1, 0.5}}));
  s.query.tokens = {"<pad>", "I", "like", "tea"};
  s.mask.causal = CausalAlign::top_left;
  s.mask.key_valid = std::vector<std::uint8_t>{0, 1, 1, 1};
  s.variants.mask_fill = -1e9;
  return s;
}

// fp16 tops out at 65504: "huge" and "big" score above it against themselves, unscaled, so those scores are +∞
// and their softmax rows undefined (NaN). Scaling q and k before the product (W_Q, W_K × √(1/√d_k)) keeps it finite.
Scenario fp16_overflow() {
  Scenario s = make_scenario(rows({{190, 120, -90, 100}, {130, -140, 110, 90}, {-100, 150, 140, -120}, {20, 30, -10, 25}}));
  s.query.tokens = {"big", "large", "huge", "small"};
  s.scale.kind = ScaleKind::none;
  s.variants.precision = Precision::fp16;
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
      {"gqa", "Grouped-query: 4 heads share 2 K/V heads", "Grouped-query attention: query heads 0–1 read K/V head 0, heads 2–3 K/V head 1, so W_K, W_V and the KV cache are half the size."},
      {"alibi", "ALiBi: each head's own reach", "ALiBi adds −m·distance to the scores: with slopes 1/4 … 1/256 each head looks back its own distance, with no positional encoding at all."},
      {"softcap", "Soft-capping at c = 5", "Soft-capping turns a score s into 5·tanh(s / 5): 9 and 14 both end near 5, so no key can take all the weight."},
      {"sinks", "Attention sinks: nothing to attend to", "Rows with nothing to look for park their weight on the sink (a logit with no value behind it) instead of spreading it over the sentence."},
      {"mask_fill", "Masked with -1e9: a padded row", "The padded query row has no allowed key: with -inf its weights are zero, with -1e9 they are uniform over every key, the future included."},
      {"fp16_overflow", "fp16: unscaled Q·Kᵀ overflows", "In fp16 a score above 65504 is +inf and its softmax row is undefined (NaN); scaling q and k before the product keeps it finite."},
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
  if (id == "gqa") return gqa();
  if (id == "alibi") return alibi();
  if (id == "softcap") return softcap();
  if (id == "sinks") return sinks();
  if (id == "mask_fill") return mask_fill();
  if (id == "fp16_overflow") return fp16_overflow();
  throw InputError("preset", "unknown preset \"" + id + "\"");
}

}  // namespace ap::core
