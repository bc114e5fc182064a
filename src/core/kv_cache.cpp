// KV-cache decoding: the reference's loops (core/reference_kernel.cpp, core/pipeline.cpp) one row at a time.
#include "core/kv_cache.hpp"

#include "core/error.hpp"
#include "core/mask.hpp"
#include "core/positional.hpp"
#include "core/reference_kernel.hpp"
#include "core/score_mod.hpp"
#include "core/softmax.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

double in_format(double x, const std::optional<Precision>& p) { return p ? round_to(*p, x) : x; }

}  // namespace

KvCacheDecoder::KvCacheDecoder(const Scenario& s) : scenario_(s) {
  if (s.context)
    throw InputError("context", "KV-cache decoding is for self-attention (a context's keys are all known at once)");
  if (s.mask.causal == CausalAlign::none)
    throw InputError("mask", "KV-cache decoding needs a causal mask (token t attends keys 0..t)");
  if (s.variants.mask_fill && std::isfinite(*s.variants.mask_fill))
    throw InputError("mask_fill", "a finite fill gives masked future keys weight, which a KV cache never holds; "
                                  "decoding needs \"-inf\"");
  const Matrix pe = additive_encoding(s.positional, s.n(), s.d_model());
  x_in_ = pe.size() == 0 ? s.query.x : Matrix(s.query.x + pe);
  for (Eigen::Index i = 0; i < x_in_.size(); ++i) x_in_.data()[i] = in_format(x_in_.data()[i], s.variants.precision);
  k_.assign(static_cast<std::size_t>(s.kv_heads()), {});
  v_.assign(static_cast<std::size_t>(s.kv_heads()), {});
}

// Row steps_ of x_in · w + b (as ReferenceKernel::matmul sums it), RoPE'd by its position, rounded.
std::vector<double> KvCacheDecoder::project_row(const Matrix& w, const RowVector& b, int heads, int width,
                                                bool rope) const {
  const auto& p = scenario_.variants.precision;
  const int inner = static_cast<int>(w.rows()), cols = static_cast<int>(w.cols());
  std::vector<double> a(x_in_.row(steps_).data(), x_in_.row(steps_).data() + inner);
  std::vector<double> wt(static_cast<std::size_t>(inner) * cols);
  for (int r = 0; r < inner; ++r)
    for (int c = 0; c < cols; ++c) wt[static_cast<std::size_t>(r) * cols + c] = in_format(w(r, c), p);
  std::vector<double> y(static_cast<std::size_t>(cols));
  ReferenceKernel().matmul(a.data(), wt.data(), y.data(), 1, inner, cols);
  for (int c = 0; c < cols; ++c) y[static_cast<std::size_t>(c)] += in_format(b(c), p);
  if (rope && scenario_.positional.kind == PositionalKind::rope)
    for (int h = 0; h < heads; ++h)
      rope_rotate_row(y.data() + static_cast<std::size_t>(h) * width, width, steps_, scenario_.positional.rope_base,
                      scenario_.positional.rope_pairing);
  for (double& v : y) v = in_format(v, p);
  return y;
}

DecodeStep KvCacheDecoder::step() {
  const Scenario& s = scenario_;
  const int t = steps_, n = s.n(), h = s.heads, g = s.kv_heads(), dk = s.d_k, dv = s.d_v;
  const auto& precision = s.variants.precision;
  // project token t; append its K and V rows to the cache
  const std::vector<double> q = project_row(s.w_q, s.b_q, h, dk, true);
  const std::vector<double> k = project_row(s.w_k, s.b_k, g, dk, true);
  const std::vector<double> v = project_row(s.w_v, s.b_v, g, dv, false);
  for (int kv = 0; kv < g; ++kv) {
    auto& kc = k_[static_cast<std::size_t>(kv)];
    auto& vc = v_[static_cast<std::size_t>(kv)];
    kc.insert(kc.end(), k.begin() + static_cast<std::ptrdiff_t>(kv) * dk, k.begin() + static_cast<std::ptrdiff_t>(kv + 1) * dk);
    vc.insert(vc.end(), v.begin() + static_cast<std::ptrdiff_t>(kv) * dv, v.begin() + static_cast<std::ptrdiff_t>(kv + 1) * dv);
  }
  ++steps_;

  // one row of attention per head over the cache: row t of the full N × N computation (keys past t are
  // masked there, and add exactly 0 to its sums)
  const MaskRule mask(s.mask, n, n);
  DecodeStep out;
  out.t = t;
  std::vector<double> concat(static_cast<std::size_t>(h) * dv);
  std::vector<double> scaled(static_cast<std::size_t>(n), 0.0), weights(static_cast<std::size_t>(n));
  for (int head = 0; head < h; ++head) {
    const int kv = s.kv_head_of(head);
    const auto& kc = k_[static_cast<std::size_t>(kv)];
    const auto& vc = v_[static_cast<std::size_t>(kv)];
    // the reference kernel's own loops on one query row and the t + 1 cached keys
    std::vector<double> o(static_cast<std::size_t>(dv)), scores(static_cast<std::size_t>(t) + 1);
    HeadProblem<double> hp;
    hp.n = 1; hp.m = t + 1; hp.d_k = dk; hp.d_v = dv;
    hp.q = q.data() + static_cast<std::size_t>(head) * dk; hp.q_stride = h * dk;
    hp.k = kc.data(); hp.k_stride = dk;
    hp.v = vc.data(); hp.v_stride = dv;
    hp.out = o.data(); hp.out_stride = dv;
    hp.scale = s.scale.factor(dk);
    hp.variants = head_variants<double>(s, head);
    hp.mask = &mask;
    reference_scores(hp, scores.data());
    for (int j = 0; j <= t; ++j) scaled[static_cast<std::size_t>(j)] = scaled_score(hp, scores[static_cast<std::size_t>(j)], t, j);
    softmax_row(scaled.data(), mask, t, hp.variants, weights.data());  // over the N × N mask's row t
    out.weights.emplace_back(weights.begin(), weights.begin() + t + 1);
    reference_weighted_sum(hp, weights.data());
    for (int c = 0; c < dv; ++c) {
      o[static_cast<std::size_t>(c)] = in_format(o[static_cast<std::size_t>(c)], precision);
      concat[static_cast<std::size_t>(head) * dv + c] = o[static_cast<std::size_t>(c)];
    }
    out.head_out.push_back(std::move(o));
  }
  // the output row: concat · W_o + b_o
  const int d = s.d_model();
  std::vector<double> wo(static_cast<std::size_t>(h) * dv * d);
  for (int r = 0; r < h * dv; ++r)
    for (int c = 0; c < d; ++c) wo[static_cast<std::size_t>(r) * d + c] = in_format(s.w_o(r, c), precision);
  out.output.assign(static_cast<std::size_t>(d), 0.0);
  ReferenceKernel().matmul(concat.data(), wo.data(), out.output.data(), 1, h * dv, d);
  for (int c = 0; c < d; ++c)
    out.output[static_cast<std::size_t>(c)] = in_format(out.output[static_cast<std::size_t>(c)] + in_format(s.b_o(c), precision), precision);
  return out;
}

DecodeWork decode_work(const Scenario& s, int t) {
  const double tokens = t + 1.0, h = s.heads, g = s.kv_heads(), dk = s.d_k, dv = s.d_v, d = s.d_model();
  const double projections = d * (h * dk + g * dk + g * dv) + h * dv * d;  // q, k, v and W_o for one token
  return {projections + h * tokens * (dk + dv),                 // one row: t + 1 scores and weights per head
          tokens * projections + h * tokens * tokens * (dk + dv)};  // every row again
}

int bytes_per_number(Precision p) { return p == Precision::fp32 ? 4 : 2; }

std::size_t kv_cache_bytes(int tokens, int kv_heads, int d_k, int d_v, Precision p) {
  return static_cast<std::size_t>(tokens) * static_cast<std::size_t>(kv_heads) * static_cast<std::size_t>(d_k + d_v) *
         static_cast<std::size_t>(bytes_per_number(p));
}

}  // namespace ap::core
