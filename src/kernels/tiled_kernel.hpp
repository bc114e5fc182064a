// `tiled`: FlashAttention's one pass over blocks of keys with an online softmax. For a block of query
// rows it keeps each row's running maximum and sum and an output accumulator; each key block's scores are
// exponentiated against the running maximum and the accumulator is rescaled when the maximum grows.
// Never an N × M matrix: memory beyond the outputs is O(block²) plus k and v packed once per head, i.e.
// O(N·d). Key blocks the causal/window mask closes for the whole query block are skipped
// (MaskRule::key_range); allow/key_valid are applied elementwise (MaskRule::allowed).
// Differs from the reference: float, online rescaling, out divided by the sum at the end rather than
// weights normalized first, polynomial exp within 2 ulp. When the caller records scores and weights,
// the raw scores are written during the pass and the weights in a second pass from the final row max
// and sum (into the caller's matrices, nothing N × M of its own); the output is the same bit for bit.
// The SPEC §1b variants (and heads whose scores may overflow float) take attend_variants_block: still O(N·d), two
// passes over the key blocks (online max and sum with the sink, then the final weights · v), the score_mod of
// core/score_mod.hpp and the row rules of core/softmax.hpp.
// The query blocks of a head are spread over the kernel's threads; each row is computed the same way in any block
// (key blocks start at key 0), so the result is the same bit for bit for any thread count.
// Block sizes other than the defaults (core::TileSizes: the Cost view's walk on a short sentence) give the same
// result to rounding; a key block narrower than the packed panel takes its scores from the panel's product.
// An observer (core::TileObserver) is told every block as it runs, with each row's running max and sum: the
// blocks then run one after another on the calling thread, in row-major order of the tiles.
// Tested to 1e-4 relative (normwise) of the reference (1e-5 holds on the small cases of the suite).
#pragma once

#include <vector>

#include "core/kernel.hpp"
#include "core/tile_walk.hpp"
#include "kernels/attention_blocks.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/thread_pool.hpp"

namespace ap::kernels {

class TiledKernel final : public core::Kernel<float> {
 public:
  // sizes must pass valid_tile_sizes (else std::invalid_argument)
  explicit TiledKernel(int threads = 1, core::TileSizes sizes = {});
  std::string name() const override { return "tiled"; }
  void matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) override;
  void attend(const core::HeadProblem<float>& p) override;

  static constexpr int query_block = 96;  // rows per block on one thread: a multiple of every ISA's tile height
  static constexpr int key_block = 256;   // keys per block: a multiple of every ISA's panel width

  // Every block of the next attend calls goes to `observer` (null: none) until it is set again.
  void observe(core::TileObserver* observer) { observer_ = observer; }
  core::TileSizes sizes() const { return {query_block_, key_block_}; }
  // The last attend call took the variants' two passes (attend_variants_block), not the one-pass online softmax.
  bool took_two_passes() const { return two_pass_; }

 private:
  struct Scratch {  // one thread's: O(block²), reused across blocks and heads
    std::vector<float> block, scores, row_max, row_sum;
    std::vector<float> panel;               // rows × nr: a whole panel's scores, for key blocks narrower than it
    std::vector<bool> met;                  // per row of a query block: met +∞ or NaN
    std::vector<attention::RowCase> cases;  // per row of a query block: softmax, empty or undefined
  };
  void attend_block(const core::HeadProblem<float>& p, int i0, int rows, Scratch& scratch) const;
  void attend_variants_block(const core::HeadProblem<float>& p, int i0, int rows, Scratch& scratch) const;
  // s (rows × keys, row stride key_block_) = q rows · kᵀ[:, j0 : j0 + keys), from the panel when the block is narrower
  void block_scores(const float* q, int q_stride, int rows, int j0, int keys, float* s, Scratch& scratch) const;
  // tells the observer a block the mask closes for every row
  void skipped(int i0, int rows, int j0, int keys) const;

  int query_block_ = query_block, key_block_ = key_block;
  core::TileObserver* observer_ = nullptr;
  bool two_pass_ = false;

  ThreadPool pool_;
  gemm::Sgemm sgemm_;
  attention::PackedHead head_;
  std::vector<Scratch> scratch_;  // one per thread
};

// Whether the tiled kernel takes these block sizes: query_rows ≥ 1 and keys a positive multiple or divisor of the
// packed panel's width (gemm::nr: 16 or 32 keys, by instruction set).
bool valid_tile_sizes(const core::TileSizes& sizes);
// The smallest blocks it takes: 2 query rows × 4 keys (the walk of a ten-token sentence has a dozen tiles).
core::TileSizes smallest_tile_sizes();

}  // namespace ap::kernels
