// The trainer's model, forward and backward over a batch (see model.hpp).
//
// [SECTION] parameters
// [SECTION] forward
// [SECTION] backward
#include "train/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/layer_grad_steps.hpp"
#include "core/positional.hpp"

namespace ap::train {

// =====================================================================================================
// [SECTION] parameters
// =====================================================================================================

ParameterLayout::ParameterLayout(const ModelShape& s) {
  const auto add = [&](int rows, int cols, bool decay) {
    Tensor t{size, rows, cols, decay};
    size += t.size();
    all.push_back(t);
    return t;
  };
  const int hk = s.heads * s.d_k, hv = s.heads * s.d_v();
  embed = add(s.vocab, s.d_model, true);
  positions = add(s.length, s.d_model, true);
  values = add(s.cross() ? s.values : 0, s.d_model, true);
  for (int l = 0; l < s.layers; ++l) {
    LayerTensors t;
    t.w_q = add(s.d_model, hk, true);
    t.b_q = add(1, hk, false);
    t.w_k = add(s.d_model, hk, true);
    t.b_k = add(1, hk, false);
    t.w_v = add(s.d_model, hv, true);
    t.b_v = add(1, hv, false);
    t.w_o = add(hv, s.d_model, true);
    t.b_o = add(1, s.d_model, false);
    layers.push_back(t);
  }
  unembed = add(s.d_model, s.outputs, true);
  unembed_bias = add(1, s.outputs, false);
}

std::vector<float> initial_parameters(const ParameterLayout& layout, Rng& rng) {
  std::vector<float> p(layout.size, 0.0f);
  const auto fill = [&](const Tensor& t, double sd) {
    for (std::size_t c = 0; c < t.size(); ++c) p[t.offset + c] = static_cast<float>(sd * rng.normal());
  };
  fill(layout.embed, 1.0);
  // The positions start as Vaswani's sinusoids scaled to unit variance (a sin/cos pair has variance 1/2):
  // nearby positions then share directions and a fixed linear map shifts by one, so a previous-token head is
  // within reach from the first step. Randomly initialised, 3 of 4 seeds of the induction task were still on a
  // plateau at its 800 steps (docs/training.md).
  const core::Matrix pe = core::sinusoidal_encoding(layout.positions.rows, layout.positions.cols);
  for (std::size_t c = 0; c < layout.positions.size(); ++c)
    p[layout.positions.offset + c] = static_cast<float>(std::sqrt(2.0) * pe.data()[c]);
  fill(layout.values, 1.0);
  for (const LayerTensors& t : layout.layers) {
    fill(t.w_q, 1.0 / std::sqrt(static_cast<double>(t.w_q.rows)));
    fill(t.w_k, 1.0 / std::sqrt(static_cast<double>(t.w_k.rows)));
    fill(t.w_v, 1.0 / std::sqrt(static_cast<double>(t.w_v.rows)));
    fill(t.w_o, 1.0 / std::sqrt(static_cast<double>(t.w_o.rows)));
  }
  fill(layout.unembed, 1.0 / std::sqrt(static_cast<double>(layout.unembed.rows)));
  return p;
}

Batch make_batch(const std::vector<Example>& examples) {
  Batch b;
  b.size = static_cast<int>(examples.size());
  for (const Example& e : examples) {
    b.tokens.insert(b.tokens.end(), e.tokens.begin(), e.tokens.end());
    b.targets.insert(b.targets.end(), e.targets.begin(), e.targets.end());
    b.context_keys.insert(b.context_keys.end(), e.context_keys.begin(), e.context_keys.end());
    b.context_values.insert(b.context_values.end(), e.context_values.begin(), e.context_values.end());
  }
  return b;
}

namespace {

core::MaskSpec causal_spec() {
  core::MaskSpec spec;
  spec.causal = core::CausalAlign::top_left;
  return spec;
}

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

// y (rows × cols) += the bias row b (cols)
void add_bias(float* y, int rows, int cols, const float* b) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) y[static_cast<std::size_t>(r) * cols + c] += b[c];
}

}  // namespace

Model::Model(const ModelShape& shape, core::ScaleKind scale, core::GradKernel<float>& kernel)
    : shape_(shape),
      layout_(shape),
      scale_(scale == core::ScaleKind::none ? 1.0f : static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.d_k)))),
      kernel_(kernel),
      self_mask_(causal_spec(), shape.length, shape.length),
      cross_mask_(core::MaskSpec{}, shape.length, std::max(1, shape.context_length)),
      ablated_(static_cast<std::size_t>(shape.layers * shape.heads), 0) {}

void Model::set_ablated(int layer, int head, bool ablated) {
  ablated_.at(static_cast<std::size_t>(layer * shape_.heads + head)) = ablated ? 1 : 0;
}

bool Model::ablated(int layer, int head) const { return ablated_.at(static_cast<std::size_t>(layer * shape_.heads + head)) != 0; }

std::size_t Model::weights_offset(int sequence, int head) const {
  const int m = shape_.cross() ? shape_.context_length : shape_.length;
  return (static_cast<std::size_t>(sequence) * shape_.heads + head) * static_cast<std::size_t>(shape_.length) * m;
}

const float* Model::weights(int layer, int sequence, int head) const {
  return weights_[static_cast<std::size_t>(layer)].data() + weights_offset(sequence, head);
}

const float* Model::residual(int layer) const { return resid_[static_cast<std::size_t>(layer)].data(); }

void Model::resize(int batch) {
  const ModelShape& s = shape_;
  batch_size_ = batch;
  rows_ = batch * s.length;
  context_rows_ = batch * s.context_length;
  const int source_rows = s.cross() ? context_rows_ : rows_;
  const std::size_t hk = static_cast<std::size_t>(s.heads) * s.d_k, hv = static_cast<std::size_t>(s.heads) * s.d_v();
  const auto L = static_cast<std::size_t>(s.layers);
  resid_.resize(L + 1);
  q_.resize(L);
  k_.resize(L);
  v_.resize(L);
  concat_.resize(L);
  lse_.resize(L);
  weights_.resize(L);
  for (auto& r : resid_) grow(r, static_cast<std::size_t>(rows_) * s.d_model);
  for (std::size_t l = 0; l < L; ++l) {
    grow(q_[l], rows_ * hk);
    grow(k_[l], source_rows * hk);
    grow(v_[l], source_rows * hv);
    grow(concat_[l], rows_ * hv);
    grow(lse_[l], static_cast<std::size_t>(batch) * s.heads * s.length);
  }
  grow(ctx_, static_cast<std::size_t>(context_rows_) * s.d_model);
  grow(logits_, static_cast<std::size_t>(rows_) * s.outputs);
  grow(probs_, static_cast<std::size_t>(rows_) * s.outputs);
}

// =====================================================================================================
// [SECTION] forward
// =====================================================================================================

void Model::embed(const std::vector<float>& params, const Batch& batch) {
  const ModelShape& s = shape_;
  const int d = s.d_model;
  const float* embed = params.data() + layout_.embed.offset;
  const float* pos = params.data() + layout_.positions.offset;
  float* x = resid_[0].data();
  // x[b·N + i] = embed[token] + positions[i]
  for (int r = 0; r < rows_; ++r) {
    const float* e = embed + static_cast<std::size_t>(batch.tokens[static_cast<std::size_t>(r)]) * d;
    const float* p = pos + static_cast<std::size_t>(r % s.length) * d;
    for (int c = 0; c < d; ++c) x[static_cast<std::size_t>(r) * d + c] = e[c] + p[c];
  }
  // context[b·M + j] = embed[key] + values[value]
  const float* val = params.data() + layout_.values.offset;
  for (int r = 0; r < context_rows_; ++r) {
    const float* e = embed + static_cast<std::size_t>(batch.context_keys[static_cast<std::size_t>(r)]) * d;
    const float* v = val + static_cast<std::size_t>(batch.context_values[static_cast<std::size_t>(r)]) * d;
    for (int c = 0; c < d; ++c) ctx_[static_cast<std::size_t>(r) * d + c] = e[c] + v[c];
  }
}

Model::Dims Model::dims() const {
  const ModelShape& s = shape_;
  const int dk = s.d_k, dv = s.d_v();
  return {s.d_model, s.heads, dk, dv, s.heads * dk, s.heads * dv, s.length, s.cross() ? s.context_length : s.length};
}

core::HeadProblem<float> Model::head_problem(int layer, int sequence, int head) {
  const ModelShape& s = shape_;
  const auto l = static_cast<std::size_t>(layer);
  const auto [d, h, dk, dv, hk, hv, n, m] = dims();
  const std::size_t q_row = static_cast<std::size_t>(sequence) * n, kv_row = static_cast<std::size_t>(sequence) * m;
  return {.n = n, .m = m, .d_k = dk, .d_v = dv,
          .q = q_[l].data() + q_row * hk + head * dk, .q_stride = hk,
          .k = k_[l].data() + kv_row * hk + head * dk, .k_stride = hk,
          .v = v_[l].data() + kv_row * hv + head * dv, .v_stride = hv,
          .scale = scale_, .mask = s.cross() ? &cross_mask_ : &self_mask_,
          .row_lse = lse_[l].data() + (static_cast<std::size_t>(sequence) * s.heads + head) * n,
          .out = concat_[l].data() + q_row * hv + head * dv, .out_stride = hv};
}

void Model::attention_layer(const std::vector<float>& params, int layer, bool record_weights) {
  const auto [d, h, dk, dv, hk, hv, n, m] = dims();
  const ModelShape& s = shape_;
  const auto l = static_cast<std::size_t>(layer);
  const LayerTensors& t = layout_.layers[l];
  const int source_rows = s.cross() ? context_rows_ : rows_;
  const float* x = resid_[l].data();
  const float* source = s.cross() ? ctx_.data() : x;
  const float* w = params.data();
  // step 2: Q = X·W_q + b_q (B·N × h·d_k); K, V from the context or from X
  kernel_.gemm(false, false, rows_, d, hk, x, d, w + t.w_q.offset, hk, q_[l].data(), hk, false);
  add_bias(q_[l].data(), rows_, hk, w + t.b_q.offset);
  kernel_.gemm(false, false, source_rows, d, hk, source, d, w + t.w_k.offset, hk, k_[l].data(), hk, false);
  add_bias(k_[l].data(), source_rows, hk, w + t.b_k.offset);
  kernel_.gemm(false, false, source_rows, d, hv, source, d, w + t.w_v.offset, hv, v_[l].data(), hv, false);
  add_bias(v_[l].data(), source_rows, hv, w + t.b_v.offset);
  // steps 4–5 per sequence and head, into concat (B·N × h·d_v)
  if (record_weights) grow(weights_[l], static_cast<std::size_t>(batch_size_) * h * n * m);
  for (int b = 0; b < batch_size_; ++b)
    for (int head = 0; head < h; ++head) {
      core::HeadProblem<float> p = head_problem(layer, b, head);
      if (record_weights) p.weights = weights_[l].data() + weights_offset(b, head);
      kernel_.forward().attend(p);
    }
  // an ablated head contributes nothing
  for (int head = 0; head < h; ++head)
    if (ablated(layer, head))
      for (int r = 0; r < rows_; ++r) std::fill_n(concat_[l].data() + static_cast<std::size_t>(r) * hv + head * dv, dv, 0.0f);
  // step 6 and the residual: resid_{l+1} = resid_l + concat · W_o + b_o
  float* next = resid_[l + 1].data();
  std::copy_n(x, static_cast<std::size_t>(rows_) * d, next);
  kernel_.gemm(false, false, rows_, hv, d, concat_[l].data(), hv, w + t.w_o.offset, d, next, d, true);
  add_bias(next, rows_, d, w + t.b_o.offset);
}

BatchResult Model::forward(const std::vector<float>& params, const Batch& batch, bool record_weights) {
  const ModelShape& s = shape_;
  resize(batch.size);
  batch_ = &batch;
  embed(params, batch);
  for (int l = 0; l < s.layers; ++l) attention_layer(params, l, record_weights);
  // logits (B·N × outputs) = resid_L · unembed + bias; softmax and cross-entropy where a target is given
  const int o = s.outputs;
  const float* final_resid = resid_[static_cast<std::size_t>(s.layers)].data();
  kernel_.gemm(false, false, rows_, s.d_model, o, final_resid, s.d_model, params.data() + layout_.unembed.offset, o,
               logits_.data(), o, false);
  add_bias(logits_.data(), rows_, o, params.data() + layout_.unembed_bias.offset);
  BatchResult result;
  double total = 0;
  for (int r = 0; r < rows_; ++r) {
    const int target = batch.targets[static_cast<std::size_t>(r)];
    if (target < 0) continue;
    const float* z = logits_.data() + static_cast<std::size_t>(r) * o;
    float* p = probs_.data() + static_cast<std::size_t>(r) * o;
    const int best = static_cast<int>(std::max_element(z, z + o) - z);
    double sum = 0;
    for (int c = 0; c < o; ++c) sum += std::exp(static_cast<double>(z[c]) - z[best]);
    for (int c = 0; c < o; ++c) p[c] = static_cast<float>(std::exp(static_cast<double>(z[c]) - z[best]) / sum);
    total += std::log(sum) + z[best] - z[target];  // −log softmax(z)[target]
    result.correct += best == target ? 1 : 0;
    ++result.predicted;
  }
  result.loss = result.predicted > 0 ? total / result.predicted : 0.0;
  return result;
}

// =====================================================================================================
// [SECTION] backward
// =====================================================================================================

void Model::attention_layer_backward(const std::vector<float>& params, int layer, std::vector<float>& grads) {
  const auto [d, h, dk, dv, hk, hv, n, m] = dims();
  const ModelShape& s = shape_;
  const auto l = static_cast<std::size_t>(layer);
  const LayerTensors& t = layout_.layers[l];
  const int source_rows = s.cross() ? context_rows_ : rows_;
  const float* w = params.data();
  float* g = grads.data();
  // d_resid holds ∂L/∂resid_{l+1}; the residual path passes it to resid_l unchanged, the layer adds its share.
  // step 6: out = concat · W_o + b_o
  std::fill_n(d_concat_.data(), static_cast<std::size_t>(rows_) * hv, 0.0f);
  core::projection_backward(kernel_, rows_, hv, d, concat_[l].data(), w + t.w_o.offset, d_resid_.data(),
                            d_concat_.data(), g + t.w_o.offset, g + t.b_o.offset, false);
  for (int head = 0; head < h; ++head)
    if (ablated(layer, head))
      for (int r = 0; r < rows_; ++r) std::fill_n(d_concat_.data() + static_cast<std::size_t>(r) * hv + head * dv, dv, 0.0f);
  // steps 5–4 per sequence and head → ∂L/∂q, ∂L/∂k, ∂L/∂v
  std::fill_n(d_q_.data(), static_cast<std::size_t>(rows_) * hk, 0.0f);
  std::fill_n(d_k_.data(), static_cast<std::size_t>(source_rows) * hk, 0.0f);
  std::fill_n(d_v_.data(), static_cast<std::size_t>(source_rows) * hv, 0.0f);
  for (int b = 0; b < batch_size_; ++b)
    for (int head = 0; head < h; ++head) {
      const std::size_t q_row = static_cast<std::size_t>(b) * n, kv_row = static_cast<std::size_t>(b) * m;
      kernel_.attend_backward(core::HeadGradProblem<float>{
          .forward = head_problem(layer, b, head),
          .out_grad = d_concat_.data() + q_row * hv + head * dv, .out_grad_stride = hv,
          .q_grad = d_q_.data() + q_row * hk + head * dk, .q_grad_stride = hk,
          .k_grad = d_k_.data() + kv_row * hk + head * dk, .k_grad_stride = hk,
          .v_grad = d_v_.data() + kv_row * hv + head * dv, .v_grad_stride = hv});
    }
  // step 2: the projections; q's input is resid_l, k's and v's the context or resid_l
  const float* x = resid_[l].data();
  const float* source = s.cross() ? ctx_.data() : x;
  float* d_source = s.cross() ? d_ctx_.data() : d_resid_.data();
  core::projection_backward(kernel_, rows_, d, hk, x, w + t.w_q.offset, d_q_.data(), d_resid_.data(), g + t.w_q.offset,
                            g + t.b_q.offset, false);
  core::projection_backward(kernel_, source_rows, d, hk, source, w + t.w_k.offset, d_k_.data(), d_source,
                            g + t.w_k.offset, g + t.b_k.offset, false);
  core::projection_backward(kernel_, source_rows, d, hv, source, w + t.w_v.offset, d_v_.data(), d_source,
                            g + t.w_v.offset, g + t.b_v.offset, false);
}

void Model::backward(const std::vector<float>& params, std::vector<float>& grads) {
  const ModelShape& s = shape_;
  const Batch& batch = *batch_;
  const int d = s.d_model, o = s.outputs;
  const int source_rows = s.cross() ? context_rows_ : rows_;
  grads.assign(params.size(), 0.0f);
  grow(d_resid_, static_cast<std::size_t>(rows_) * d);
  grow(d_concat_, static_cast<std::size_t>(rows_) * s.heads * s.d_v());
  grow(d_q_, static_cast<std::size_t>(rows_) * s.heads * s.d_k);
  grow(d_k_, static_cast<std::size_t>(source_rows) * s.heads * s.d_k);
  grow(d_v_, static_cast<std::size_t>(source_rows) * s.heads * s.d_v());
  grow(d_ctx_, static_cast<std::size_t>(context_rows_) * d);
  grow(d_logits_, static_cast<std::size_t>(rows_) * o);
  // cross-entropy: ∂L/∂logits = (softmax − onehot(target)) / predicted, 0 where nothing is predicted
  int predicted = 0;
  for (int r = 0; r < rows_; ++r) predicted += batch.targets[static_cast<std::size_t>(r)] >= 0 ? 1 : 0;
  const float inv = predicted > 0 ? 1.0f / static_cast<float>(predicted) : 0.0f;
  for (int r = 0; r < rows_; ++r) {
    float* dz = d_logits_.data() + static_cast<std::size_t>(r) * o;
    const int target = batch.targets[static_cast<std::size_t>(r)];
    if (target < 0) {
      std::fill_n(dz, o, 0.0f);
      continue;
    }
    const float* p = probs_.data() + static_cast<std::size_t>(r) * o;
    for (int c = 0; c < o; ++c) dz[c] = (p[c] - (c == target ? 1.0f : 0.0f)) * inv;
  }
  // unembedding: logits = resid_L · U + b_U
  std::fill_n(d_resid_.data(), static_cast<std::size_t>(rows_) * d, 0.0f);
  core::projection_backward(kernel_, rows_, d, o, resid_[static_cast<std::size_t>(s.layers)].data(),
                            params.data() + layout_.unembed.offset, d_logits_.data(), d_resid_.data(),
                            grads.data() + layout_.unembed.offset, grads.data() + layout_.unembed_bias.offset, false);
  std::fill_n(d_ctx_.data(), static_cast<std::size_t>(context_rows_) * d, 0.0f);
  for (int l = s.layers - 1; l >= 0; --l) attention_layer_backward(params, l, grads);
  // the embeddings gather their rows' gradients
  float* d_embed = grads.data() + layout_.embed.offset;
  float* d_pos = grads.data() + layout_.positions.offset;
  for (int r = 0; r < rows_; ++r) {
    const float* dx = d_resid_.data() + static_cast<std::size_t>(r) * d;
    float* e = d_embed + static_cast<std::size_t>(batch.tokens[static_cast<std::size_t>(r)]) * d;
    float* p = d_pos + static_cast<std::size_t>(r % s.length) * d;
    for (int c = 0; c < d; ++c) {
      e[c] += dx[c];
      p[c] += dx[c];
    }
  }
  float* d_values = grads.data() + layout_.values.offset;
  for (int r = 0; r < context_rows_; ++r) {
    const float* dc = d_ctx_.data() + static_cast<std::size_t>(r) * d;
    float* e = d_embed + static_cast<std::size_t>(batch.context_keys[static_cast<std::size_t>(r)]) * d;
    float* v = d_values + static_cast<std::size_t>(batch.context_values[static_cast<std::size_t>(r)]) * d;
    for (int c = 0; c < d; ++c) {
      e[c] += dc[c];
      v[c] += dc[c];
    }
  }
}

}  // namespace ap::train
