// Seeded random scenarios of odd sizes for the property tests: shapes (N, M, d_model, heads, d_k ≠ d_v),
// every mask kind and positional encoding. Depends on core only; deterministic for a given std::mt19937.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace ap::test {

struct Shape {
  int n = 3;
  int m = 0;  // 0: self-attention (M = N); otherwise a context of m tokens
  int d_model = 4, heads = 1, d_k = 4, d_v = 4;
};

inline int uniform_int(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

inline core::Matrix random_matrix(std::mt19937& rng, Eigen::Index rows, Eigen::Index cols, double sd) {
  std::normal_distribution<double> normal(0.0, sd);
  core::Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

inline core::RowVector random_row(std::mt19937& rng, Eigen::Index cols, double sd) {
  return core::RowVector(random_matrix(rng, 1, cols, sd));
}

// N from {1, 3, 7, 33}; d_k in 1..65; d_v in 1..65 and never d_k; 1–4 heads; d_model 1..24.
// cross: a context whose M differs from N.
inline Shape random_shape(std::mt19937& rng, bool cross) {
  static const int sizes[] = {1, 3, 7, 33};
  Shape s;
  s.n = sizes[uniform_int(rng, 0, 3)];
  if (cross) {
    do s.m = sizes[uniform_int(rng, 0, 3)] + uniform_int(rng, 0, 2); while (s.m == s.n);
  }
  s.d_model = uniform_int(rng, 1, 24);
  s.heads = uniform_int(rng, 1, 4);
  s.d_k = uniform_int(rng, 1, 65);
  do s.d_v = uniform_int(rng, 1, 65); while (s.d_v == s.d_k);
  return s;
}

// Inputs ~ N(0, 1), weights ~ N(0, 1/fan_in) so scores stay O(1), small nonzero biases.
inline core::Scenario random_scenario(std::mt19937& rng, const Shape& shape) {
  core::Scenario s;
  const int n = shape.n, dm = shape.d_model, hk = shape.heads * shape.d_k, hv = shape.heads * shape.d_v;
  s.query.x = random_matrix(rng, n, dm, 1.0);
  s.query.tokens = core::default_token_labels(n);
  if (shape.m > 0) s.context = core::Sequence{core::default_token_labels(shape.m), random_matrix(rng, shape.m, dm, 1.0)};
  s.heads = shape.heads;
  s.d_k = shape.d_k;
  s.d_v = shape.d_v;
  const double w_in = 1.0 / std::sqrt(static_cast<double>(dm));
  s.w_q = random_matrix(rng, dm, hk, w_in);
  s.w_k = random_matrix(rng, dm, hk, w_in);
  s.w_v = random_matrix(rng, dm, hv, w_in);
  s.w_o = random_matrix(rng, hv, dm, 1.0 / std::sqrt(static_cast<double>(hv)));
  s.b_q = random_row(rng, hk, 0.1);
  s.b_k = random_row(rng, hk, 0.1);
  s.b_v = random_row(rng, hv, 0.1);
  s.b_o = random_row(rng, dm, 0.1);
  return s;
}

enum class MaskKind { none, causal_top_left, causal_bottom_right, window_top_left, window_bottom_right, key_valid, allow,
                      object_and };

inline const std::vector<MaskKind>& all_mask_kinds() {
  static const std::vector<MaskKind> kinds = {MaskKind::none, MaskKind::causal_top_left, MaskKind::causal_bottom_right,
                                              MaskKind::window_top_left, MaskKind::window_bottom_right,
                                              MaskKind::key_valid, MaskKind::allow, MaskKind::object_and};
  return kinds;
}

inline std::string mask_kind_name(MaskKind k) {
  switch (k) {
    case MaskKind::none: return "none";
    case MaskKind::causal_top_left: return "causal top-left";
    case MaskKind::causal_bottom_right: return "causal bottom-right";
    case MaskKind::window_top_left: return "window top-left";
    case MaskKind::window_bottom_right: return "window bottom-right";
    case MaskKind::key_valid: return "key_valid";
    case MaskKind::allow: return "allow matrix";
    case MaskKind::object_and: return "object AND of every part";
  }
  return "?";
}

// allow and object_and always leave row 0 without a key when N > 1, so empty rows are exercised.
inline core::MaskSpec random_mask(std::mt19937& rng, MaskKind kind, int n, int m) {
  core::MaskSpec mask;
  std::bernoulli_distribution coin(0.6);
  const auto allow = [&] {
    core::AllowMatrix a(n, m);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = coin(rng) ? 1 : 0;
    if (n > 1) a.row(0).setZero();
    return a;
  };
  const auto key_valid = [&] {
    std::vector<std::uint8_t> v(static_cast<std::size_t>(m));
    for (auto& b : v) b = coin(rng) ? 1 : 0;
    v[static_cast<std::size_t>(uniform_int(rng, 0, m - 1))] = 1;  // at least one real key
    return v;
  };
  switch (kind) {
    case MaskKind::none: break;
    case MaskKind::causal_top_left: mask.causal = core::CausalAlign::top_left; break;
    case MaskKind::causal_bottom_right: mask.causal = core::CausalAlign::bottom_right; break;
    case MaskKind::window_top_left:
      mask.causal = core::CausalAlign::top_left;
      mask.window = uniform_int(rng, 1, 4);
      break;
    case MaskKind::window_bottom_right:
      mask.causal = core::CausalAlign::bottom_right;
      mask.window = uniform_int(rng, 1, 4);
      break;
    case MaskKind::key_valid: mask.key_valid = key_valid(); break;
    case MaskKind::allow: mask.allow = allow(); break;
    case MaskKind::object_and:
      mask.causal = core::CausalAlign::bottom_right;
      mask.window = uniform_int(rng, 2, 6);
      mask.allow = allow();
      mask.key_valid = key_valid();
      break;
  }
  return mask;
}

// Sinusoidal, learned or RoPE (RoPE only when d_k is even, as validation requires), or none.
inline core::Positional random_positional(std::mt19937& rng, const core::Scenario& s) {
  core::Positional p;
  switch (uniform_int(rng, 0, 3)) {
    case 0: break;
    case 1: p.kind = core::PositionalKind::sinusoidal; break;
    case 2:
      p.kind = core::PositionalKind::learned;
      p.learned = random_matrix(rng, std::max(s.n(), s.m()), s.d_model(), 0.5);
      break;
    case 3:
      if (s.d_k % 2 == 0) {
        p.kind = core::PositionalKind::rope;
        p.rope_base = uniform_int(rng, 0, 1) ? 10000.0 : 50.0;
        p.rope_pairing = uniform_int(rng, 0, 1) ? core::RopePairing::half : core::RopePairing::interleaved;
      }
      break;
  }
  return p;
}

}  // namespace ap::test
