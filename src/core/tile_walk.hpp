// FlashAttention's walk over the score matrix as data: which query block met which key block, in the order the
// tiled kernel (kernels/tiled_kernel.hpp) ran them, and each row's running max m and sum l before and after, with
// the rescale e^(m_old − m_new) it applied. The kernel reports each step to a TileObserver; the Cost view draws the
// recording, so what is drawn is what ran. Pure data: no kernel, no UI.
#pragma once

#include <vector>

#include "core/matrix.hpp"

namespace ap::core {

// A query block of `rows` rows from row i0 against keys [j0, j0 + keys), as the kernel ran it.
struct TileRow {
  float max_before = 0, max_after = 0;  // m before this block and after it (−∞ until the row meets an allowed key)
  float sum_before = 0, sum_after = 0;  // l: l_after = l_before · rescale + block_sum
  float block_max = 0;                  // the largest allowed scaled score of this block's part of the row (−∞: none)
  float block_sum = 0;                  // Σ e^(x − max_after) over the block's part of the row
  float rescale = 1;                    // e^(max_before − max_after): what l and the output accumulator were multiplied by
};

struct TileStep {
  int i0 = 0, rows = 0, j0 = 0, keys = 0;
  bool skipped = false;        // the causal/window mask closes the block for every row: its softmax is not computed
  std::vector<TileRow> row;    // rows entries (empty when skipped)
};

// The tiled kernel's block sizes. keys: a multiple of the packed panel's width, or a divisor of it (smaller blocks,
// to watch the walk on a short sentence; kernels::valid_tile_sizes says which this build accepts).
struct TileSizes {
  int query_rows = 96;
  int keys = 256;
};

class TileObserver {
 public:
  virtual ~TileObserver() = default;
  virtual void tile(const TileStep& step) = 0;  // called once per block, in the order the kernel runs them
};

// One head's walk: every step, and what the kernel's path was.
struct TileWalk {
  int n = 0, m = 0;
  TileSizes sizes;
  bool two_pass = false;  // the variants' path: this is pass A (online max and sum); pass B then applies the weights
  std::vector<TileStep> steps;
  Matrix scores, weights, output;  // what the same run gave: N × M raw scores, N × M weights (e^(x − m) / l), N × d_v
  // largest |difference| from the trace the walk was made from (its backend's softmax weights and head output);
  // NaN when that trace holds none
  double weights_difference = 0, output_difference = 0;
};

// A TileObserver that keeps every step.
class TileRecorder final : public TileObserver {
 public:
  void tile(const TileStep& step) override { steps.push_back(step); }
  std::vector<TileStep> steps;
};

}  // namespace ap::core
