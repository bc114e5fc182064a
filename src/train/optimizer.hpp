// The optimizers over the model's flat parameter array: AdamW (decoupled weight decay, Loshchilov & Hutter),
// Adam (weight decay, if any, as an L2 term in the gradient) and SGD with optional momentum. Decay applies to
// the tensors the layout marks (matrices and embeddings; never biases). No statics; plain state vectors.
#pragma once

#include <string>
#include <vector>

#include "train/model.hpp"

namespace ap::train {

enum class OptimizerKind { adamw, adam, sgd };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adamw;
  double lr = 1e-2;
  double beta1 = 0.9, beta2 = 0.99, eps = 1e-8;  // Adam's
  double weight_decay = 0.01;
  double momentum = 0.0;  // SGD's
};

class Optimizer {
 public:
  Optimizer(const OptimizerConfig& config, const ParameterLayout& layout);

  const OptimizerConfig& config() const { return config_; }
  int steps() const { return t_; }
  // params -= the update for grads (both layout.size floats).
  void step(std::vector<float>& params, const std::vector<float>& grads);

 private:
  OptimizerConfig config_;
  std::vector<Tensor> tensors_;  // the layout's, copied: an Optimizer outlives nothing it points to
  int t_ = 0;
  std::vector<float> m_, v_;  // first and second moments (Adam), velocity (SGD with momentum)
};

// "adamw", "adam", "sgd"; false for anything else.
bool parse_optimizer(const std::string& name, OptimizerKind& kind);
std::string optimizer_name(OptimizerKind kind);

}  // namespace ap::train
