// The model the trainer learns: token embedding + learned positions, L attention layers of SPEC §1 (each
// with its biases) on a residual stream, an unembedding and a cross-entropy loss; attention-only, as the
// interpretability literature's small models are. Self-attention layers are causal; in a cross-attention
// task every layer reads the context (each pair embedded as key + value) instead. Forward and backward over
// a batch of sequences at once: the projections as one product of B·N rows, attention per sequence and head,
// both through a core::GradKernel<float> (the simd backend by default). All parameters live in one flat
// array, so the optimizer and a checksum see them as one. No I/O, no statics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/grad_kernel.hpp"
#include "train/tasks.hpp"

namespace ap::train {

struct ModelShape {
  int vocab = 0, values = 0, outputs = 0;
  int length = 0, context_length = 0;  // N, M (0: self-attention)
  int d_model = 0, heads = 0, d_k = 0, layers = 0;
  int d_v() const { return d_k; }
  bool cross() const { return context_length > 0; }
};

// Where one parameter matrix lives in the flat array: rows × cols, row-major; decay: AdamW decays it.
struct Tensor {
  std::size_t offset = 0;
  int rows = 0, cols = 0;
  bool decay = false;
  std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
};

struct LayerTensors {
  Tensor w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o;  // SPEC §1's names and shapes
};

struct ParameterLayout {
  Tensor embed;      // vocab × d_model
  Tensor positions;  // N × d_model, added at the input
  Tensor values;     // values × d_model (cross-attention tasks; else empty)
  std::vector<LayerTensors> layers;
  Tensor unembed;       // d_model × outputs
  Tensor unembed_bias;  // 1 × outputs
  std::vector<Tensor> all;  // every tensor above, in order
  std::size_t size = 0;     // floats in all

  explicit ParameterLayout(const ModelShape& shape);
};

// Token embeddings, positions and values ~ N(0, 1) (unit-variance q and k entries, the premise of 1/√d_k);
// every weight ~ N(0, 1/fan_in); biases 0. Drawn in layout order from the rng.
std::vector<float> initial_parameters(const ParameterLayout& layout, Rng& rng);

// A batch of B sequences, flattened: row b·N + i is token i of sequence b.
struct Batch {
  int size = 0;
  std::vector<int> tokens, targets;               // B·N
  std::vector<int> context_keys, context_values;  // B·M
};
Batch make_batch(const std::vector<Example>& examples);

struct BatchResult {
  double loss = 0;  // mean cross-entropy over the predicted positions
  int correct = 0, predicted = 0;
};

class Model {
 public:
  Model(const ModelShape& shape, core::ScaleKind scale, core::GradKernel<float>& kernel);

  const ModelShape& shape() const { return shape_; }
  const ParameterLayout& layout() const { return layout_; }
  float scale() const { return scale_; }

  // Ablated heads (layer · heads + head) contribute nothing: their columns of concat are zeroed.
  void set_ablated(int layer, int head, bool ablated);
  bool ablated(int layer, int head) const;

  // Forward over the batch. With record_weights, every head's weights are kept (weights()).
  BatchResult forward(const std::vector<float>& params, const Batch& batch, bool record_weights = false);
  // ∂(mean loss)/∂params of the last forward into grads (params.size(), overwritten).
  void backward(const std::vector<float>& params, std::vector<float>& grads);

  // After a forward with record_weights: head h of layer l on sequence b, N × M row-major (M = N for self).
  const float* weights(int layer, int sequence, int head) const;
  // After any forward: the residual stream entering layer l (l = layers: the unembedding's input), B·N × d_model,
  // and the embedded context (B·M × d_model, cross-attention tasks).
  const float* residual(int layer) const;
  const float* context() const { return ctx_.data(); }
  // The logits of the last forward, B·N × outputs.
  const float* logits() const { return logits_.data(); }

 private:
  // The sizes every layer step uses: d_model, heads, d_k, d_v, h·d_k, h·d_v, N, M (= N for self-attention).
  struct Dims {
    int d, h, dk, dv, hk, hv, n, m;
  };
  Dims dims() const;
  void resize(int batch);
  std::size_t weights_offset(int sequence, int head) const;
  // Head `head` of sequence `sequence` in layer `layer` over the saved activations (no weights recorded).
  core::HeadProblem<float> head_problem(int layer, int sequence, int head);
  void embed(const std::vector<float>& params, const Batch& batch);
  void attention_layer(const std::vector<float>& params, int layer, bool record_weights);
  void attention_layer_backward(const std::vector<float>& params, int layer, std::vector<float>& grads);

  ModelShape shape_;
  ParameterLayout layout_;
  float scale_;
  core::GradKernel<float>& kernel_;
  core::MaskRule self_mask_, cross_mask_;
  std::vector<std::uint8_t> ablated_;
  const Batch* batch_ = nullptr;  // the last forward's batch
  int rows_ = 0, context_rows_ = 0, batch_size_ = 0;
  // activations of the last forward, per layer: residual (L + 1), q, k, v, concat, row log-sum-exp, weights
  std::vector<std::vector<float>> resid_, q_, k_, v_, concat_, lse_, weights_;
  std::vector<float> ctx_, logits_, probs_;
  // backward scratch
  std::vector<float> d_resid_, d_concat_, d_q_, d_k_, d_v_, d_ctx_, d_logits_;
};

}  // namespace ap::train
