// The optimizers (see optimizer.hpp).
#include "train/optimizer.hpp"

#include <cmath>

namespace ap::train {

Optimizer::Optimizer(const OptimizerConfig& config, const ParameterLayout& layout)
    : config_(config), tensors_(layout.all), m_(layout.size, 0.0f), v_(layout.size, 0.0f) {}

void Optimizer::step(std::vector<float>& params, const std::vector<float>& grads) {
  ++t_;
  const OptimizerConfig& c = config_;
  const float lr = static_cast<float>(c.lr);
  if (c.kind == OptimizerKind::sgd) {
    const float mu = static_cast<float>(c.momentum);
    for (const Tensor& t : tensors_) {
      const float wd = t.decay ? static_cast<float>(c.weight_decay) : 0.0f;
      for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
        const float g = grads[i] + wd * params[i];
        m_[i] = mu * m_[i] + g;
        params[i] -= lr * m_[i];
      }
    }
    return;
  }
  // Adam's bias corrections, in double: 1 − β^t loses nothing for large t
  const float b1 = static_cast<float>(c.beta1), b2 = static_cast<float>(c.beta2), eps = static_cast<float>(c.eps);
  const float correction1 = static_cast<float>(1.0 - std::pow(c.beta1, t_));
  const float correction2 = static_cast<float>(1.0 - std::pow(c.beta2, t_));
  const bool decoupled = c.kind == OptimizerKind::adamw;
  for (const Tensor& t : tensors_) {
    const float wd = t.decay ? static_cast<float>(c.weight_decay) : 0.0f;
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
      const float g = decoupled ? grads[i] : grads[i] + wd * params[i];
      m_[i] = b1 * m_[i] + (1.0f - b1) * g;
      v_[i] = b2 * v_[i] + (1.0f - b2) * g * g;
      const float update = (m_[i] / correction1) / (std::sqrt(v_[i] / correction2) + eps);
      params[i] -= lr * (update + (decoupled ? wd * params[i] : 0.0f));
    }
  }
}

bool parse_optimizer(const std::string& name, OptimizerKind& kind) {
  if (name == "adamw") kind = OptimizerKind::adamw;
  else if (name == "adam") kind = OptimizerKind::adam;
  else if (name == "sgd") kind = OptimizerKind::sgd;
  else return false;
  return true;
}

std::string optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::adamw: return "adamw";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::sgd: return "sgd";
  }
  return "adamw";
}

}  // namespace ap::train
