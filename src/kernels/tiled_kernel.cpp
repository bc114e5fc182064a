// Online-softmax tiled kernel (see tiled_kernel.hpp).
#include "kernels/tiled_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/score_mod.hpp"

namespace ap::kernels {

namespace {
constexpr float minus_infinity = -std::numeric_limits<float>::infinity();
static_assert(TiledKernel::key_block % gemm::nr == 0, "key blocks start on packed-panel boundaries");

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}
}  // namespace

bool valid_tile_sizes(const core::TileSizes& sizes) {
  return sizes.query_rows >= 1 && sizes.keys >= 1 && (sizes.keys % gemm::nr == 0 || gemm::nr % sizes.keys == 0);
}

core::TileSizes smallest_tile_sizes() { return {2, std::min(4, gemm::nr)}; }

TiledKernel::TiledKernel(int threads, core::TileSizes sizes)
    : query_block_(sizes.query_rows), key_block_(sizes.keys), pool_(threads),
      scratch_(static_cast<std::size_t>(pool_.threads())) {
  if (!valid_tile_sizes(sizes)) throw std::invalid_argument("tiled kernel: block sizes it cannot run");
}

void TiledKernel::block_scores(const float* q, int q_stride, int rows, int j0, int keys, float* s, Scratch& scratch) const {
  const int offset = j0 % gemm::nr;  // nonzero only for blocks narrower than a panel
  if (offset == 0) {
    attention::scores_block(q, q_stride, rows, head_, j0, keys, s, key_block_);
    return;
  }
  // the panel's product, then the block's columns of it: each score is the same sum as in a whole block
  const int start = j0 - offset, cols = std::min(gemm::nr, head_.m - start);
  float* panel = scratch.panel.data();
  attention::scores_block(q, q_stride, rows, head_, start, cols, panel, gemm::nr);
  for (int r = 0; r < rows; ++r)
    std::copy_n(panel + static_cast<std::size_t>(r) * gemm::nr + offset, keys, s + static_cast<std::size_t>(r) * key_block_);
}

void TiledKernel::skipped(int i0, int rows, int j0, int keys) const {
  core::TileStep step;
  step.i0 = i0, step.rows = rows, step.j0 = j0, step.keys = keys, step.skipped = true;
  observer_->tile(step);
}

void TiledKernel::matmul(const float* a, const float* b, float* c, int rows, int inner, int cols) {
  sgemm_.run(rows, inner, cols, a, inner, b, cols, false, c, cols, pool_);
}

void TiledKernel::attend(const core::HeadProblem<float>& p) {
  head_.prepare(p, pool_);
  const bool variants = !p.variants.textbook() || attention::scores_may_be_nonfinite(p, head_);
  two_pass_ = variants;
  const int rows = attention::query_rows(p.n, observer_ ? 1 : pool_.threads(), query_block_);
  for (Scratch& s : scratch_) {
    grow(s.block, static_cast<std::size_t>(rows) * key_block_);
    if (variants) grow(s.scores, static_cast<std::size_t>(rows) * key_block_);
    if (key_block_ < gemm::nr) grow(s.panel, static_cast<std::size_t>(rows) * gemm::nr);
    grow(s.row_max, static_cast<std::size_t>(rows));
    grow(s.row_sum, static_cast<std::size_t>(rows));
    s.met.resize(static_cast<std::size_t>(rows));
    s.cases.resize(static_cast<std::size_t>(rows));
  }
  const auto run_block = [&](int block, int thread) {
    const int i0 = block * rows, count = std::min(rows, p.n - i0);
    Scratch& scratch = scratch_[static_cast<std::size_t>(thread)];
    if (variants) attend_variants_block(p, i0, count, scratch);
    else attend_block(p, i0, count, scratch);
  };
  const int blocks = (p.n + rows - 1) / rows;
  if (observer_)  // the observer hears the tiles in order, from this thread
    for (int b = 0; b < blocks; ++b) run_block(b, 0);
  else
    pool_.run(blocks, run_block);
}

// The textbook path for query rows [i0, i0 + rows): one pass over the key blocks with the online softmax.
void TiledKernel::attend_block(const core::HeadProblem<float>& p, int i0, int rows, Scratch& scratch) const {
  const core::MaskRule& mask = *p.mask;
  const int m = p.m, dv = p.d_v, block_keys = key_block_;
  float* s = scratch.block.data();  // rows × block_keys: one block of scores, then of exponentials, in place
  float* row_max = scratch.row_max.data();
  float* row_sum = scratch.row_sum.data();
  // raw scores of every key, when the caller records scores or weights (the weights pass starts from them)
  float* recorded = p.scores ? p.scores : p.weights;
  float* out = p.out + static_cast<std::size_t>(i0) * p.out_stride;  // rows × d_v: the accumulator
  for (int r = 0; r < rows; ++r) {
    row_max[r] = minus_infinity;
    row_sum[r] = 0.0f;
    std::fill_n(out + static_cast<std::size_t>(r) * p.out_stride, dv, 0.0f);
  }
  const float* q = p.q + static_cast<std::size_t>(i0) * p.q_stride;  // rows × d_k, read in place

  // key blocks [b0, b1): those the block's causal/window range opens; every block when recording scores
  const core::KeyRange open = attention::block_key_range(mask, i0, i0 + rows);
  const int b0 = open.begin / block_keys * block_keys, b1 = std::max(open.end, b0);
  const bool every_block = recorded || observer_;  // the observer is told of the blocks the mask closes too
  const int first = every_block ? 0 : b0, last = every_block ? m : b1;
  core::TileStep step;  // what the observer is told
  for (int j0 = first; j0 < last; j0 += block_keys) {
    const int keys = std::min(block_keys, m - j0);
    const bool closed = j0 + keys <= b0 || j0 >= b1;  // the mask closes it for every row
    if (closed && !recorded) {
      skipped(i0, rows, j0, keys);
      continue;
    }
    // pass 1 over the block: s = q_block · kᵀ[:, j0 : j0 + keys)
    block_scores(q, p.q_stride, rows, j0, keys, s, scratch);
    if (recorded)
      for (int r = 0; r < rows; ++r)
        std::copy_n(s + static_cast<std::size_t>(r) * block_keys, keys,
                    recorded + static_cast<std::size_t>(i0 + r) * m + j0);
    if (closed) {
      if (observer_) skipped(i0, rows, j0, keys);
      continue;
    }
    if (observer_) {
      step.i0 = i0, step.rows = rows, step.j0 = j0, step.keys = keys;
      step.row.assign(static_cast<std::size_t>(rows), core::TileRow{});
    }

    // pass 2: online softmax. Scale, mask and the block's max in one pass; e^(s − max) in place; rescale the row's
    // sum and output when the max grew
    for (int r = 0; r < rows; ++r) {
      float* x = s + static_cast<std::size_t>(r) * block_keys;
      core::TileRow* seen = observer_ ? &step.row[static_cast<std::size_t>(r)] : nullptr;
      if (seen) seen->max_before = row_max[r], seen->sum_before = row_sum[r];
      const float block_max = attention::scale_mask_max(x, p.scale, mask, i0 + r, j0, keys, x);
      if (block_max == minus_infinity) {  // nothing allowed here: contributes nothing
        std::fill_n(x, keys, 0.0f);
        if (seen) seen->max_after = row_max[r], seen->sum_after = row_sum[r], seen->block_max = block_max;
        continue;
      }
      const float new_max = std::max(row_max[r], block_max);
      const float sum = attention::exp_row(x, keys, new_max);
      float correction = 1.0f;
      if (new_max != row_max[r]) {
        correction = std::exp(row_max[r] - new_max);  // 0 on the row's first allowed block
        row_sum[r] *= correction;
        attention::scale_in_place(out + static_cast<std::size_t>(r) * p.out_stride, dv, correction);
        row_max[r] = new_max;
      }
      row_sum[r] += sum;
      if (seen) {
        seen->max_after = row_max[r], seen->sum_after = row_sum[r];
        seen->block_max = block_max, seen->block_sum = sum, seen->rescale = correction;
      }
    }
    // pass 3: out_block += e-block · v[j0 : j0 + keys)
    attention::weighted_sum_block(s, block_keys, rows, head_, j0, keys, out, p.out_stride, true);
    if (observer_) observer_->tile(step);
  }

  // divide by the row sums; a row with no allowed key keeps its zeros
  for (int r = 0; r < rows; ++r)
    if (row_sum[r] > 0.0f) attention::divide_in_place(out + static_cast<std::size_t>(r) * p.out_stride, dv, row_sum[r]);
  if (p.row_lse)  // all a backward pass keeps of the softmax (FlashAttention-2): O(N), not N × M
    for (int r = 0; r < rows; ++r)
      p.row_lse[i0 + r] = row_sum[r] > 0.0f ? row_max[r] + std::log(row_sum[r]) : minus_infinity;

  // recorded weights, a second pass from the final max and sum: e^(scale·s − max) / sum, 0 where masked
  if (p.weights)
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      float* w = p.weights + static_cast<std::size_t>(i) * m;
      if (row_sum[r] == 0.0f) {
        std::fill_n(w, m, 0.0f);
        continue;
      }
      attention::scale_mask_max(recorded + static_cast<std::size_t>(i) * m, p.scale, mask, i, 0, m, w);  // may be w
      attention::exp_row(w, m, row_max[r]);
      attention::divide_in_place(w, m, row_sum[r]);
    }
}

// The variants (and heads whose scores may overflow), still O(N·d): two passes over the key blocks per query
// block. Pass A: the online max and sum, the sink joining the denominator from the start (m = s, l = 1), the
// fill standing for masked scores. Pass B: the scores again, w = e^(x − m) / l (rounded to the precision), out +=
// w · v. The weights are final before the product, as the precision's model wants; the recorded matrices are
// written in pass B. Rows are decided as core/softmax.hpp decides them (attention::row_case).
void TiledKernel::attend_variants_block(const core::HeadProblem<float>& p, int i0, int rows, Scratch& scratch) const {
  const core::MaskRule& mask = *p.mask;
  const core::HeadVariants<float>& var = p.variants;
  const int m = p.m, dv = p.d_v, block_keys = key_block_;
  float* s = scratch.scores.data();  // rows × block_keys: raw (rounded) scores of one block
  float* x = scratch.block.data();   // rows × block_keys: their score_mod, then the weights
  float* row_max = scratch.row_max.data();
  float* row_sum = scratch.row_sum.data();
  std::vector<bool>& met = scratch.met;
  std::vector<attention::RowCase>& cases = scratch.cases;
  float* out = p.out + static_cast<std::size_t>(i0) * p.out_stride;
  const float* q = p.q + static_cast<std::size_t>(i0) * p.q_stride;  // rows × d_k, read in place
  // key blocks [b0, b1) that any row may see (all of them with a finite fill); every block when recording
  const core::KeyRange open = var.finite_fill() ? core::KeyRange{0, m} : attention::block_key_range(mask, i0, i0 + rows);
  const int b0 = open.begin / block_keys * block_keys, b1 = std::max(open.end, b0);
  const bool recording = p.scores || p.weights;
  const int first = recording ? 0 : b0, last = recording ? m : b1;

  // one block of scores and their score_mod (masked: the fill), into s and x; met collects +∞ and NaN
  const auto block = [&](int j0, int keys) {
    block_scores(q, p.q_stride, rows, j0, keys, s, scratch);
    for (int r = 0; r < rows; ++r) {
      float* sr = s + static_cast<std::size_t>(r) * block_keys;
      if (var.precision) core::round_all(*var.precision, sr, keys);
      if (attention::variant_row(p, i0 + r, j0, keys, sr, x + static_cast<std::size_t>(r) * block_keys))
        met[static_cast<std::size_t>(r)] = true;
    }
  };

  // pass A: online max and sum
  for (int r = 0; r < rows; ++r) {
    row_max[r] = var.has_sink ? var.sink : minus_infinity;
    row_sum[r] = var.has_sink ? 1.0f : 0.0f;
    met[static_cast<std::size_t>(r)] = false;
  }
  core::TileStep step;  // what the observer is told
  for (int j0 = observer_ ? 0 : b0; j0 < (observer_ ? m : b1); j0 += block_keys) {
    const int keys = std::min(block_keys, m - j0);
    if (j0 + keys <= b0 || j0 >= b1) {  // observed only: the mask closes it for every row
      skipped(i0, rows, j0, keys);
      continue;
    }
    block(j0, keys);
    if (observer_) {
      step.i0 = i0, step.rows = rows, step.j0 = j0, step.keys = keys;
      step.row.assign(static_cast<std::size_t>(rows), core::TileRow{});
    }
    for (int r = 0; r < rows; ++r) {
      float* xr = x + static_cast<std::size_t>(r) * block_keys;
      core::TileRow* seen = observer_ ? &step.row[static_cast<std::size_t>(r)] : nullptr;
      if (seen) seen->max_before = seen->max_after = row_max[r], seen->sum_before = seen->sum_after = row_sum[r];
      const float block_max = attention::row_max(xr, keys);
      if (seen) seen->block_max = block_max;
      if (block_max == minus_infinity) continue;  // contributes nothing
      const float new_max = std::max(row_max[r], block_max);
      const float sum = attention::exp_row(xr, keys, new_max);
      const float correction = row_max[r] == minus_infinity ? 0.0f : std::exp(row_max[r] - new_max);
      row_sum[r] = row_sum[r] * correction + sum;
      row_max[r] = new_max;
      if (seen) seen->max_after = new_max, seen->sum_after = row_sum[r], seen->block_sum = sum, seen->rescale = correction;
    }
    if (observer_) observer_->tile(step);
  }
  for (int r = 0; r < rows; ++r) {
    cases[static_cast<std::size_t>(r)] = attention::row_case(p, i0 + r, row_max[r], met[static_cast<std::size_t>(r)]);
    std::fill_n(out + static_cast<std::size_t>(r) * p.out_stride, dv,
                cases[static_cast<std::size_t>(r)] == attention::RowCase::undefined ? std::numeric_limits<float>::quiet_NaN() : 0.0f);
  }

  // pass B: the weights of each block, recorded, and out += w · v
  for (int j0 = first; j0 < last; j0 += block_keys) {
    const int keys = std::min(block_keys, m - j0);
    block(j0, keys);
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      float* xr = x + static_cast<std::size_t>(r) * block_keys;
      if (p.scores) std::copy_n(s + static_cast<std::size_t>(r) * block_keys, keys, p.scores + static_cast<std::size_t>(i) * m + j0);
      switch (cases[static_cast<std::size_t>(r)]) {
        case attention::RowCase::empty: std::fill_n(xr, keys, 0.0f); break;
        case attention::RowCase::undefined: std::fill_n(xr, keys, std::numeric_limits<float>::quiet_NaN()); break;
        case attention::RowCase::softmax:
          attention::exp_row(xr, keys, row_max[r]);
          for (int t = 0; t < keys; ++t) xr[t] = core::round_weight(var, xr[t] / row_sum[r]);
          break;
      }
      if (p.weights) std::copy_n(xr, keys, p.weights + static_cast<std::size_t>(i) * m + j0);
    }
    if (j0 + keys > b0 && j0 < b1)  // a block the mask closes for every row adds nothing
      attention::weighted_sum_block(x, block_keys, rows, head_, j0, keys, out, p.out_stride, true);
  }
}

}  // namespace ap::kernels
