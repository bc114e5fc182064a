// Hand-built scenarios. Each is small enough to read every number on screen.
#include "core/presets.hpp"

#include <cmath>
#include <random>
#include <tuple>

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

// ---- The explainers' sentences. Each head is built by hand from a few named features per token, so that its
// claim (the numbers in its story) can be read off W_Q and W_K and is checked in tests/core/presets_test.cpp.

// A token's features, one row per token: tokens × features.
Scenario sentence(std::vector<std::string> tokens, Matrix x, int heads = 1) {
  Scenario s = make_scenario(std::move(x), heads);
  s.query.tokens = std::move(tokens);
  return s;
}

// Zero d_model × width, then w(r, c) = value for each {r, c, value}.
Matrix sparse(int rows, int cols, std::initializer_list<std::tuple<int, int, double>> cells) {
  Matrix m = Matrix::Zero(rows, cols);
  for (const auto& [r, c, v] : cells) m(r, c) = v;
  return m;
}

// "The animal didn't cross the street because it was too tired", no mask ("tired" comes after "it").
// Features: animate, pronoun, state, other. q_it = 3·pronoun; k = 2.9·animate + 1·state; scale 1/2:
// the row of "it" has scaled scores 4.35 (animal), 1.5 (tired), 0 (the nine others): 85 % and 5 %.
Scenario animal_tired() {
  Scenario s = sentence({"The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired"},
                        rows({{0, 0, 0, 1},    // The
                              {1, 0, 0, 0},    // animal
                              {0, 0, 0, 1},    // didn't
                              {0, 0, 0, 1},    // cross
                              {0, 0, 0, 1},    // the
                              {0, 0, 0, 1},    // street
                              {0, 0, 0, 1},    // because
                              {0, 1, 0, 0},    // it
                              {0, 0, 0, 1},    // was
                              {0, 0, 0, 1},    // too
                              {0, 0, 1, 0}}));  // tired
  s.w_q = sparse(4, 4, {{1, 0, 3}});
  s.w_k = sparse(4, 4, {{0, 0, 2.9}, {2, 0, 1}});
  return s;
}

// The same head under a causal mask, as a decoder-only model reads: "it" cannot see "tired" (weight 0).
Scenario animal_tired_causal() {
  Scenario s = animal_tired();
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// "The trophy didn't fit in the suitcase because it was too big". Features: carried object, container, pronoun,
// other. q_it = 3·pronoun; k = 2.5·object + 1·container: scaled 3.75 (trophy), 1.5 (suitcase), 0 (the ten others).
Scenario trophy_suitcase() {
  Scenario s = sentence({"The", "trophy", "didn't", "fit", "in", "the", "suitcase", "because", "it", "was", "too", "big"},
                        rows({{0, 0, 0, 1}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1},
                              {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}}));
  s.w_q = sparse(4, 4, {{2, 0, 3}});
  s.w_k = sparse(4, 4, {{0, 0, 2.5}, {1, 0, 1}});
  return s;
}

// "bank" by the river and "bank" of investment: two phrases in one sequence, each attending within itself (a
// painted block mask). Both "bank" rows of x are the same vector; "bank" asks for water and money alike
// (q = 3·[1, 1]), each phrase answers with its own, so the two outputs differ. Features: water, money, bank, other.
Scenario bank_two_senses() {
  Scenario s = sentence({"the", "river", "bank", "the", "investment", "bank"},
                        rows({{0, 0, 0, 1}, {1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}, {0, 0, 1, 0}}));
  s.w_q = sparse(4, 4, {{2, 0, 3}, {2, 1, 3}});
  s.w_k = sparse(4, 4, {{0, 0, 2}, {1, 1, 2}});
  AllowMatrix allow = AllowMatrix::Zero(6, 6);
  allow.block(0, 0, 3, 3).setOnes();
  allow.block(3, 3, 3, 3).setOnes();
  s.mask.allow = allow;
  return s;
}

// "The cat chased the mouse": q_chased asks for an agent (animate) and an object (noun); k_cat answers both,
// k_mouse less. What "chased" takes is the values (here the tokens' features), not the keys it matched on.
// Features: noun, animate, verb, determiner.
Scenario cat_chased() {
  Scenario s = sentence({"The", "cat", "chased", "the", "mouse"},
                        rows({{0, 0, 0, 1}, {1, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0.5, 0, 0}}));
  s.w_q = sparse(4, 4, {{2, 2, 2}, {2, 3, 2}});  // q_chased = [0, 0, 2, 2]
  s.w_k = sparse(4, 4, {{0, 2, 1}, {1, 3, 1}});  // k_cat = [0, 0, 1, 1], k_mouse = [0, 0, 1, 0.5]; V = X
  return s;
}

// "she" → "Dr. Martinez", under a causal mask: q_she = 3·pronoun; k = 2.5·name + 1·title.
// Features: name, pronoun, title, other.
Scenario she_martinez() {
  Scenario s = sentence({"Dr.", "Martinez", "presented", "the", "results", ".", "Later", "she", "answered", "questions"},
                        rows({{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1},
                              {0, 0, 0, 1}, {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}}));
  s.w_q = sparse(4, 4, {{1, 0, 3}});
  s.w_k = sparse(4, 4, {{0, 0, 2.5}, {2, 0, 1}});
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// "The research paper that I read last week, after several dense appendices, was surprisingly clear": "clear"
// reaches "paper" twelve tokens back in one step. q_clear = [3, 1]; k_paper = [2.5, 1] (the subject noun),
// k = [0, 1] for the other nouns. Features: subject, noun, adjective, other. Causal.
Scenario research_paper() {
  Scenario s = sentence({"The", "research", "paper", "that", "I", "read", "last", "week", "after", "several", "dense",
                         "appendices", "was", "surprisingly", "clear"},
                        rows({{0, 0, 0, 1}, {0, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1},
                              {0, 0, 0, 1}, {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 1, 0, 0},
                              {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 1, 0}}));
  s.w_q = sparse(4, 4, {{2, 0, 3}, {2, 1, 1}});
  s.w_k = sparse(4, 4, {{0, 0, 2.5}, {1, 1, 1}});
  s.mask.causal = CausalAlign::top_left;
  return s;
}

// "The cat sat on the mat", no mask: W_Q ≠ W_K, so Q·Kᵀ is not symmetric. "cat" asks for a place (q = 2·animate
// in column 0, which places answer with 2), "mat" asks weakly for what sits on it (column 1, 1 × 1):
// score(cat → mat) = 4, score(mat → cat) = 1. Features: animate, place, verb, other.
Scenario cat_mat() {
  Scenario s = sentence({"The", "cat", "sat", "on", "the", "mat"},
                        rows({{0, 0, 0, 1}, {1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 1, 0, 0}}));
  s.w_q = sparse(4, 4, {{0, 0, 2}, {1, 1, 1}});
  s.w_k = sparse(4, 4, {{1, 0, 2}, {0, 1, 1}});
  return s;
}

// Translation-style cross-attention: the decoder's "le chat noir" (N = 3) queries the encoder's "the black cat
// sleeps" (M = 4). One meaning per feature; W_Q = 4·I: each French word finds its English word, and the order
// crosses (chat → cat, noir → black). Features: determiner, black, cat, sleep.
Scenario translation() {
  Scenario s = sentence({"le", "chat", "noir"}, rows({{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 0}}));
  s.context = Sequence{{"the", "black", "cat", "sleeps"}, Matrix::Identity(4, 4)};
  s.w_q = 4 * Matrix::Identity(4, 4);
  return s;
}

// Two heads on "The cat chased the mouse": head 0 takes "chased" to its agent (cat), head 1 to its object
// (mouse). W_O is not the identity: every output column reads both heads (sum and difference of what they found).
// Features: cat, mouse, verb, determiner.
Scenario mixing_heads() {
  Scenario s = sentence({"The", "cat", "chased", "the", "mouse"},
                        rows({{0, 0, 0, 1}, {1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}}), 2);
  s.w_q = sparse(4, 4, {{2, 0, 3}, {2, 2, 3}});  // head 0 column 0, head 1 column 2: the verb asks
  s.w_k = sparse(4, 4, {{0, 0, 2}, {1, 2, 2}});  // the cat answers head 0, the mouse head 1
  s.w_v = sparse(4, 4, {{0, 0, 1}, {2, 1, 1}, {1, 2, 1}, {2, 3, 1}});  // each head: the noun, and the verb itself
  s.w_o = rows({{0.5, 0.5, 0, 0}, {0, 0, 0.5, 0.5}, {0.5, -0.5, 0, 0}, {0, 0, 0.5, -0.5}});
  return s;
}

// The key is the headline, the value the article: a reader asking for finance matches the markets story on a
// 2-number key (d_k = 2) and receives its 4-number value (d_v = 4), which holds what the key never showed.
// Features: asks for finance, finance, sport, weather.
Scenario key_value() {
  Scenario s = sentence({"reader", "markets", "football", "weather"}, Matrix::Identity(4, 4));
  s.d_k = 2;
  s.w_q = sparse(4, 2, {{0, 0, 3}});
  s.w_k = sparse(4, 2, {{1, 0, 1}, {2, 1, 1}});
  s.b_q = RowVector::Zero(2);
  s.b_k = RowVector::Zero(2);
  s.w_v = rows({{0, 0, 0, 0}, {0.5, 2, -1, 0}, {0, 0, 1, 3}, {2, 0, 0, -1}});
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

// The original Transformer's layer (Vaswani et al. 2017): d_model 512 split into 8 heads of d_k = d_v = 64. Seeded
// weights of standard deviation 1/√512, so q·k / √64 has about unit variance, as in a freshly initialised layer.
Scenario original_shape() {
  std::mt19937 rng(2017);
  Scenario s = make_scenario(rounded_random(rng, 5, 512, 1.0), 8);
  s.query.tokens = {"Attention", "Is", "All", "You", "Need"};
  const double sd = 1 / std::sqrt(512.0);
  s.w_q = rounded_random(rng, 512, 512, sd);
  s.w_k = rounded_random(rng, 512, 512, sd);
  s.w_v = rounded_random(rng, 512, 512, sd);
  s.w_o = rounded_random(rng, 512, 512, sd);
  return s;
}

}  // namespace

const std::vector<PresetInfo>& presets() {
  static const std::vector<PresetInfo> list = {
      {"classic", "Two tokens, identity weights", "x = [[1,0],[0,1]] with identity weights: each token is most similar to itself."},
      {"orthogonal", "Q1 = [1, 0] against K2 = [0, 1]: score 0, weight 33 %",
       "The orthogonal key scores 0 and still gets 33 % of the weight (softmax of 0 against 1/√2): 0 is not \"ignored\"."},
      {"one_query", "One query, three keys", "One query is scored against three keys; softmax turns the scores into weights."},
      {"animal_it", "The animal didn't cross the street because it was too tired",
       "\"it\" puts 85 % on \"animal\" and 5 % on \"tired\" (no mask: \"tired\" comes after \"it\")."},
      {"animal_it_causal", "The animal didn't cross the street because it ... (causal)",
       "The same head under a causal mask: \"it\" cannot see \"tired\" (0 %), as a decoder-only model reads."},
      {"trophy", "The trophy didn't fit in the suitcase because it was too big",
       "\"it\" puts 75 % on \"trophy\" and 8 % on \"suitcase\"."},
      {"bank", "\"bank\" by the river and \"bank\" of investment",
       "The two \"bank\" rows of x are the same vector; each attends within its phrase, so their outputs differ."},
      {"cat_chased", "The cat chased the mouse",
       "\"chased\" asks for its agent and object: 50 % on \"cat\", 30 % on \"mouse\"; it takes their values, not their keys."},
      {"she_martinez", "\"she\" → \"Dr. Martinez\"",
       "Coreference under a causal mask: \"she\" puts 80 % on \"Martinez\", six tokens back, and 8 % on \"Dr.\"."},
      {"research_paper", "The research paper that I read last week ... was surprisingly clear",
       "Long range in one step: \"clear\" puts 81 % on \"paper\", twelve tokens back."},
      {"cat_mat", "The cat sat on the mat: cat → mat ≠ mat → cat",
       "Q·Kᵀ is not symmetric: score(cat → mat) = 4 but score(mat → cat) = 1, so \"cat\" gives \"mat\" 60 % and \"mat\" gives \"cat\" 25 %."},
      {"cat_sat", "The cat sat on the mat", "Two hand-built heads under a causal mask: verbs look for nouns, nouns look back at determiners."},
      {"translation", "Translation: le chat noir ← the black cat sleeps",
       "Cross-attention, N = 3 decoder queries on M = 4 encoder keys: chat → cat and noir → black (71 % each), the order crossed."},
      {"mixing_heads", "Two heads on The cat chased the mouse, mixed by W_O",
       "Head 0 finds the agent, head 1 the object; W_O is not the identity: every output column reads both heads."},
      {"key_value", "The key is the headline, the value the article",
       "The reader matches \"markets\" on a 2-number key (74 %) and receives its 4-number value: V ≠ K."},
      {"original_shape", "The original layer: 8 heads × d_model 512",
       "Vaswani et al.'s shape: d_model 512 in 8 heads of d_k = 64, seeded weights."},
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
  if (id == "animal_it_causal") return animal_tired_causal();
  if (id == "trophy") return trophy_suitcase();
  if (id == "bank") return bank_two_senses();
  if (id == "cat_chased") return cat_chased();
  if (id == "she_martinez") return she_martinez();
  if (id == "research_paper") return research_paper();
  if (id == "cat_mat") return cat_mat();
  if (id == "translation") return translation();
  if (id == "mixing_heads") return mixing_heads();
  if (id == "key_value") return key_value();
  if (id == "original_shape") return original_shape();
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
