// Portable seeded randomness (see rng.hpp).
#include "train/rng.hpp"

namespace ap::train {

namespace {
constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15ull;

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) : state_(mix(seed ^ mix(stream * golden_gamma + 1))) {}

std::uint64_t Rng::next() {
  state_ += golden_gamma;
  return mix(state_);
}

int Rng::below(int n) {
  // (x · n) >> 32 over 32-bit x is uniform once the low part's short range [0, 2³² mod n) is rejected
  const std::uint64_t range = static_cast<std::uint32_t>(n);
  const std::uint64_t threshold = (std::uint64_t{1} << 32) % range;
  for (;;) {
    const std::uint64_t product = (next() >> 32) * range;
    if ((product & 0xFFFFFFFFull) >= threshold) return static_cast<int>(product >> 32);
  }
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  double sum = 0.0;
  for (int i = 0; i < 12; ++i) sum += uniform();  // each term exact; each addition rounded by IEEE's rule
  return sum - 6.0;
}

}  // namespace ap::train
