// Shared blocks of the fast attention kernels (see attention_blocks.hpp).
#include "kernels/attention_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/score_mod.hpp"
#include "kernels/simd.hpp"

namespace ap::kernels::attention {

namespace {
constexpr float minus_infinity = -std::numeric_limits<float>::infinity();
}  // namespace

void PackedHead::prepare(const core::HeadProblem<float>& p, ThreadPool& pool) {
  if (p.kv_unchanged && p.k == k_source_ && p.v == v_source_ && p.k_stride == k_stride_ && p.v_stride == v_stride_ &&
      p.m == m && p.d_k == d_k && p.d_v == d_v)
    return;
  m = p.m;
  d_k = p.d_k;
  d_v = p.d_v;
  const std::size_t k_need = static_cast<std::size_t>(gemm::round_up(m, gemm::nr)) * d_k;
  const std::size_t v_need = static_cast<std::size_t>(gemm::round_up(d_v, gemm::nr)) * m;
  if (k.size() < k_need) k.resize(k_need);
  if (v.size() < v_need) v.resize(v_need);
  // tasks: chunks of kᵀ's panels (depth d_k, one column per key) with their keys' norms, then v's panels (depth m,
  // one column per value channel)
  constexpr int keys_per_task = 8 * gemm::nr;
  const int k_tasks = (m + keys_per_task - 1) / keys_per_task, v_tasks = (d_v + gemm::nr - 1) / gemm::nr;
  std::vector<double> norms(static_cast<std::size_t>(k_tasks), 0.0);
  pool.run(k_tasks + v_tasks, [&](int task, int) {
    if (task < k_tasks) {
      const int j0 = task * keys_per_task, keys = std::min(keys_per_task, m - j0);
      const float* rows = p.k + static_cast<std::size_t>(j0) * p.k_stride;
      gemm::pack_b(rows, p.k_stride, true, d_k, keys, k.data() + static_cast<std::size_t>(j0) * d_k);
      norms[static_cast<std::size_t>(task)] = largest_row_norm(rows, keys, p.k_stride, d_k);
    } else {
      const int c0 = (task - k_tasks) * gemm::nr, cols = std::min(gemm::nr, d_v - c0);
      gemm::pack_b(p.v + c0, p.v_stride, false, m, cols, v.data() + static_cast<std::size_t>(c0) * m);
    }
  });
  k_norm = 0;
  for (double x : norms) k_norm = std::max(k_norm, x);  // a NaN row gave +∞
  k_source_ = p.k;
  v_source_ = p.v;
  k_stride_ = p.k_stride;
  v_stride_ = p.v_stride;
}

double largest_row_norm(const float* rows, int count, int stride, int width) {
  double most = 0;
  for (int r = 0; r < count; ++r) {
    const float* row = rows + static_cast<std::size_t>(r) * stride;
    simd::vf acc = simd::zero();
    int c = 0;
    for (; c + simd::lanes <= width; c += simd::lanes) {
      const simd::vf x = simd::load(row + c);
      acc = simd::fma(x, x, acc);
    }
    float sum = simd::reduce_sum(acc);
    for (; c < width; ++c) sum += row[c] * row[c];
    double norm = std::sqrt(static_cast<double>(sum));
    if (!(sum <= std::numeric_limits<float>::max())) norm = core::largest_row_norm(row, 1, stride, width);  // +∞ for NaN
    most = std::max(most, norm);
  }
  return most;
}

bool scores_may_be_nonfinite(const core::HeadProblem<float>& p, const PackedHead& head) {
  return core::score_bound_overflows(largest_row_norm(p.q, p.n, p.q_stride, p.d_k), head.k_norm, p.scale);
}

int query_rows(int n, int threads, int most) {
  if (threads <= 1) return most;
  const int rows = gemm::round_up((n + 10 * threads - 1) / (10 * threads), gemm::mr);
  return std::clamp(rows, std::min(gemm::mr, most), most);  // most may be below mr (the Cost view's small blocks)
}

core::KeyRange block_key_range(const core::MaskRule& mask, int i0, int i1) {
  core::KeyRange r{mask.keys(), 0};
  for (int i = i0; i < i1; ++i) {
    const core::KeyRange k = mask.key_range(i);
    if (k.begin < k.end) r = {std::min(r.begin, k.begin), std::max(r.end, k.end)};
  }
  return r.begin < r.end ? r : core::KeyRange{0, 0};
}

void scores_block(const float* q, int q_stride, int rows, const PackedHead& head, int j0, int cols, float* s, int lds) {
  gemm::panel_product(q, q_stride, head.k.data() + static_cast<std::size_t>(j0) * head.d_k, rows, head.d_k, cols, s,
                      lds, false);
}

void weighted_sum_block(const float* p, int ldp, int rows, const PackedHead& head, int j0, int keys, float* out,
                        int ldo, bool accumulate) {
  // v's panels are m deep; the block is rows [j0, j0 + keys) of each, so the panels stand m·nr apart
  for (int c0 = 0; c0 < head.d_v; c0 += gemm::nr) {
    const float* v_panel = head.v.data() + static_cast<std::size_t>(c0) * head.m + static_cast<std::size_t>(j0) * gemm::nr;
    const int cols = std::min(gemm::nr, head.d_v - c0);
    for (int i0 = 0; i0 < rows; i0 += gemm::mr)
      gemm::micro_kernel(keys, p + static_cast<std::size_t>(i0) * ldp, ldp, v_panel,
                         out + static_cast<std::size_t>(i0) * ldo + c0, ldo, std::min(gemm::mr, rows - i0), cols,
                         accumulate);
  }
}

float scale_mask_max(const float* s, float scale, const core::MaskRule& mask, int i, int j0, int len, float* x) {
  const int j1 = j0 + len;
  int open_begin = j0, open_end = j1;  // the causal/window range within [j0, j1)
  if (!mask.is_none()) {
    const core::KeyRange r = mask.key_range(i);
    open_begin = std::clamp(r.begin, j0, j1);
    open_end = std::clamp(r.end, open_begin, j1);
  }
  for (int j = j0; j < open_begin; ++j) x[j - j0] = minus_infinity;
  for (int j = open_end; j < j1; ++j) x[j - j0] = minus_infinity;
  const simd::vf f = simd::set1(scale);
  simd::vf most = simd::set1(minus_infinity);
  int j = open_begin;
  for (; j + simd::lanes <= open_end; j += simd::lanes) {
    const simd::vf y = simd::mul(f, simd::load(s + (j - j0)));
    simd::store(x + (j - j0), y);
    most = simd::max(most, y);
  }
  float result = simd::reduce_max(most);
  for (; j < open_end; ++j) {
    x[j - j0] = scale * s[j - j0];
    result = x[j - j0] > result ? x[j - j0] : result;
  }
  if (!mask.needs_elementwise_check()) return result;
  result = minus_infinity;
  for (int t = open_begin; t < open_end; ++t) {
    float& y = x[t - j0];
    if (!mask.allowed(i, t)) y = minus_infinity;
    result = y > result ? y : result;
  }
  return result;
}

bool variant_row(const core::HeadProblem<float>& p, int i, int j0, int len, const float* scores, float* x) {
  core::scaled_scores_row(p, i, j0, len, scores, x);
  const core::MaskRule& mask = *p.mask;
  bool met = false;
  for (int t = 0; t < len; ++t) {
    if (!mask.is_none() && !mask.allowed(i, j0 + t)) x[t] = p.variants.fill;
    else if (std::isnan(x[t]) || x[t] == -minus_infinity) met = true;
  }
  return met;
}

RowCase row_case(const core::HeadProblem<float>& p, int i, float row_max, bool met_nonfinite) {
  if (!p.variants.finite_fill() && !p.mask->row_has_key(i)) return RowCase::empty;
  if (met_nonfinite || row_max == minus_infinity) return RowCase::undefined;
  return RowCase::softmax;
}

float row_max(const float* x, int len) {
  simd::vf acc = simd::set1(minus_infinity);
  int j = 0;
  for (; j + simd::lanes <= len; j += simd::lanes) acc = simd::max(acc, simd::load(x + j));
  float m = simd::reduce_max(acc);
  for (; j < len; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

float exp_row(float* x, int len, float max) {
  const simd::vf shift = simd::set1(max);
  simd::vf acc = simd::zero();
  int j = 0;
  for (; j + simd::lanes <= len; j += simd::lanes) {
    const simd::vf e = simd::exp(simd::sub(simd::load(x + j), shift));
    simd::store(x + j, e);
    acc = simd::add(acc, e);
  }
  if (j < len) {  // the tail through one padded vector, so every entry gets the same exp
    float tail[simd::lanes];
    const int rest = len - j;
    for (int t = 0; t < simd::lanes; ++t) tail[t] = t < rest ? x[j + t] : minus_infinity;
    const simd::vf e = simd::exp(simd::sub(simd::load(tail), shift));
    simd::store(tail, e);
    acc = simd::add(acc, e);
    for (int t = 0; t < rest; ++t) x[j + t] = tail[t];
  }
  return simd::reduce_sum(acc);
}

void scale_in_place(float* x, int len, float factor) {
  const simd::vf f = simd::set1(factor);
  int j = 0;
  for (; j + simd::lanes <= len; j += simd::lanes) simd::store(x + j, simd::mul(f, simd::load(x + j)));
  for (; j < len; ++j) x[j] *= factor;
}

void divide_in_place(float* x, int len, float divisor) {
  const simd::vf d = simd::set1(divisor);
  int j = 0;
  for (; j + simd::lanes <= len; j += simd::lanes) simd::store(x + j, simd::div(simd::load(x + j), d));
  for (; j < len; ++j) x[j] /= divisor;
}

}  // namespace ap::kernels::attention
