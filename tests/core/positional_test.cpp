// Positional encodings: sinusoidal against Vaswani et al.'s formula, and RoPE's defining property: the
// score of a rotated (q, k) pair depends only on the offset between their positions (both pairings).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "core/positional.hpp"

namespace {

using ap::core::RopePairing;

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

std::vector<double> rotated(std::vector<double> v, int position, double base, RopePairing pairing) {
  ap::core::rope_rotate_row(v.data(), static_cast<int>(v.size()), position, base, pairing);
  return v;
}

// The score of q at position p against k at position p + offset.
double rope_score(const std::vector<double>& q, const std::vector<double>& k, int p, int offset, double base,
                  RopePairing pairing) {
  return dot(rotated(q, p, base, pairing), rotated(k, p + offset, base, pairing));
}

std::vector<double> random_vector(std::mt19937& rng, int width) {
  std::normal_distribution<double> normal;
  std::vector<double> v(static_cast<std::size_t>(width));
  for (double& x : v) x = normal(rng);
  return v;
}

}  // namespace

TEST_CASE("positional: sinusoidal is PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(same)") {
  for (int d_model : {1, 7, 8}) {
    const ap::core::Matrix pe = ap::core::sinusoidal_encoding(10, d_model);
    REQUIRE(pe.rows() == 10);
    REQUIRE(pe.cols() == d_model);
    for (int p = 0; p < 10; ++p)
      for (int i = 0; 2 * i < d_model; ++i) {
        const double angle = p / std::pow(10000.0, 2.0 * i / d_model);
        CHECK(pe(p, 2 * i) == Approx(std::sin(angle)).margin(1e-15));
        if (2 * i + 1 < d_model) CHECK(pe(p, 2 * i + 1) == Approx(std::cos(angle)).margin(1e-15));
      }
    // position 0: sin 0 = 0, cos 0 = 1
    for (int c = 0; c < d_model; ++c) CHECK(pe(0, c) == (c % 2 == 0 ? 0.0 : 1.0));
  }
}

TEST_CASE("positional: RoPE scores depend only on the relative offset") {
  std::mt19937 rng(5);
  for (auto pairing : {RopePairing::interleaved, RopePairing::half})
    for (double base : {10000.0, 100.0, 2.5})
      for (int width : {2, 6, 64}) {
        const auto q = random_vector(rng, width), k = random_vector(rng, width);
        const double size = std::sqrt(dot(q, q) * dot(k, k));
        for (int offset : {-3, 0, 1, 7}) {
          INFO((pairing == RopePairing::half ? "half" : "interleaved") << ", base " << base << ", d " << width
                                                                       << ", offset " << offset);
          const double at_start = rope_score(q, k, 3, offset, base, pairing);
          for (int p : {4, 5, 37, 500}) CHECK(std::fabs(rope_score(q, k, p, offset, base, pairing) - at_start) <= 1e-11 * size);
        }
        // and the offset does matter: RoPE really rotates (a no-op would pass the check above)
        CHECK(std::fabs(rope_score(q, k, 0, 0, base, pairing) - rope_score(q, k, 0, 1, base, pairing)) > 1e-6 * size);
      }
}

TEST_CASE("positional: RoPE rotations keep the norm, position 0 is the identity, pairings differ") {
  std::mt19937 rng(6);
  const auto v = random_vector(rng, 8);
  for (auto pairing : {RopePairing::interleaved, RopePairing::half}) {
    CHECK(rotated(v, 0, 10000.0, pairing) == v);
    const auto r = rotated(v, 9, 10000.0, pairing);
    CHECK(dot(r, r) == Approx(dot(v, v)).epsilon(1e-14));
  }
  CHECK(rotated(v, 3, 10000.0, RopePairing::interleaved) != rotated(v, 3, 10000.0, RopePairing::half));
  // interleaved pair 0 is (v0, v1) turned by θ = p: check one pair by hand
  const auto r = rotated(v, 2, 10000.0, RopePairing::interleaved);
  CHECK(r[0] == Approx(v[0] * std::cos(2.0) - v[1] * std::sin(2.0)).epsilon(1e-15));
  CHECK(r[1] == Approx(v[0] * std::sin(2.0) + v[1] * std::cos(2.0)).epsilon(1e-15));
  // half pairing: pair 0 is (v0, v4)
  const auto h = rotated(v, 2, 10000.0, RopePairing::half);
  CHECK(h[0] == Approx(v[0] * std::cos(2.0) - v[4] * std::sin(2.0)).epsilon(1e-15));
  CHECK(h[4] == Approx(v[0] * std::sin(2.0) + v[4] * std::cos(2.0)).epsilon(1e-15));
}

TEST_CASE("positional: rope_rotate turns row r as position r") {
  std::mt19937 rng(7);
  const int rows = 5, width = 6, stride = 10;
  std::vector<double> block(static_cast<std::size_t>(rows * stride));
  for (double& x : block) x = std::normal_distribution<double>()(rng);
  std::vector<double> expected = block;
  ap::core::rope_rotate(block.data(), rows, width, stride, 50.0, RopePairing::half);
  for (int r = 0; r < rows; ++r)
    ap::core::rope_rotate_row(expected.data() + r * stride, width, r, 50.0, RopePairing::half);
  CHECK(block == expected);
}
