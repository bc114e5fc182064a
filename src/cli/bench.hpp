// `attention-cli bench`: times each backend on the same random inputs (SPEC §2).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ap::cli {

struct BenchOptions {
  int n = 256;
  int d_model = 512;
  int heads = 8;
  int repeat = 5;
  int warmup = 1;                     // untimed runs first (buffers allocated, pages touched)
  int threads = 1;                    // how many threads a backend may use (simd and tiled use them all)
  bool attention_only = false;        // time per-head attend on precomputed Q, K, V, not the whole layer
  bool matmul_only = false;           // time one projection's product through Kernel::matmul
  std::vector<std::string> backends;  // empty: every backend of this build (no reference above N = 1024)
  unsigned seed = 1;
};

// Prints one JSON line per backend to `out`; throws core::InputError for bad options.
void run_bench(const BenchOptions& options, std::ostream& out);

}  // namespace ap::cli
