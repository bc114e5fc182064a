// Seeded randomness that draws the same numbers on every platform, so one seed gives one data set and one
// initialisation natively and in WebAssembly: splitmix64 for the bits (Steele, Lea and Flood 2014), integer
// arithmetic for uniform integers, and an Irwin–Hall normal (the sum of 12 uniforms, minus 6) built from
// exactly rounded IEEE additions only. (std:: distributions differ between libstdc++ and libc++, and
// log/cos need not round the same way in glibc and musl.) No state outside the object.
#pragma once

#include <cstdint>

namespace ap::train {

class Rng {
 public:
  // stream separates independent sequences drawn from one seed (weights, training data, held-out data).
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);

  std::uint64_t next();  // 64 uniform bits
  int below(int n);      // uniform in [0, n), n ≥ 1 (Lemire's multiply-shift with rejection: unbiased)
  double uniform();      // uniform in [0, 1), 53 bits
  double normal();       // mean 0, variance 1, |z| ≤ 6 (Irwin–Hall n = 12: close to normal within ±3σ)

 private:
  std::uint64_t state_;
};

}  // namespace ap::train
