// Autoregressive decoding with a KV cache, for causal self-attention: step t projects token t, appends its
// K and V rows to the cache and computes one new row of weights and output, O(t·d) work where recomputing
// every row is O(t²·d). Its rows equal the full causal computation's (compute_reference) bit for bit: the
// same double loops in the same order. Plus the plain numbers a view shows beside it: the work per step and
// the cache's bytes per layer. No UI, no I/O.
#pragma once

#include <cstddef>
#include <vector>

#include "core/precision.hpp"
#include "core/scenario.hpp"

namespace ap::core {

struct DecodeStep {
  int t = 0;                                  // the token decoded: keys 0..t are in the cache
  std::vector<std::vector<double>> weights;   // per head: t + 1 weights (row t of the head's weights)
  std::vector<std::vector<double>> head_out;  // per head: d_v numbers (row t of the head's output)
  std::vector<double> output;                 // d_model numbers (row t of the output)
};

class KvCacheDecoder {
 public:
  // Throws InputError unless the scenario is self-attention with a causal mask and a −∞ mask fill (a finite
  // fill gives the masked future keys weight, and a cache never holds them).
  explicit KvCacheDecoder(const Scenario& s);

  int tokens() const { return scenario_.n(); }
  int steps_done() const { return steps_; }
  bool done() const { return steps_ == tokens(); }
  // Decodes token steps_done(): appends its K and V rows, computes its row. Needs !done().
  DecodeStep step();
  // K/V head g's cache: steps_done() rows of d_k (k) or d_v (v) numbers, row-major.
  const std::vector<double>& k_cache(int kv_head) const { return k_[static_cast<std::size_t>(kv_head)]; }
  const std::vector<double>& v_cache(int kv_head) const { return v_[static_cast<std::size_t>(kv_head)]; }

 private:
  std::vector<double> project_row(const Matrix& w, const RowVector& b, int heads, int width, bool rope) const;

  Scenario scenario_;
  Matrix x_in_;  // N × d_model: x after additive positions, rounded to the precision
  std::vector<std::vector<double>> k_, v_;  // per K/V head, growing by one row a step
  int steps_ = 0;
};

// Multiply-adds of one layer at decode step t (t + 1 tokens so far): with the cache (project one token, one
// row of attention per head, its output row) against recomputing all t + 1 rows from scratch.
struct DecodeWork {
  double cached = 0;
  double recompute = 0;
};
DecodeWork decode_work(const Scenario& s, int t);

// Bytes of one number in the format: 4 for fp32, 2 for fp16 and bf16.
int bytes_per_number(Precision p);
// The K/V cache of one layer holding `tokens` tokens: tokens · kv_heads · (d_k + d_v) numbers.
std::size_t kv_cache_bytes(int tokens, int kv_heads, int d_k, int d_v, Precision p);

}  // namespace ap::core
