// The trainer: one object that owns a task's data, a model, its optimizer and its history, and advances a
// step at a time, so a UI can drive it without stalling frames (step(), or train_for() with a time budget,
// each frame or on a worker), evaluate it on held-out sequences, show each head's weights, ablate heads and
// open a trained layer as a scenario (SPEC §1) in every view. `attention-cli train` is a loop over it.
// The same seed gives the same held-out set, training batches and initial weights on every platform
// (train/rng.hpp). All state is in the object; nothing static. Depends on core and kernels.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/grad_kernel.hpp"
#include "core/scenario.hpp"
#include "train/model.hpp"
#include "train/optimizer.hpp"
#include "train/tasks.hpp"

namespace ap::train {

struct TrainConfig {
  std::string task = "induction";
  int steps = 0;                   // 0: the task's default
  std::uint64_t seed = 1;
  int layers = 0, heads = 0, d_model = 0;  // 0: the task's defaults
  int d_k = 0;                     // 0: d_model / heads
  core::ScaleKind scale = core::ScaleKind::inv_sqrt_dk;  // inv_sqrt_dk or none
  double lr = 0;                   // 0: the task's default
  OptimizerKind optimizer = OptimizerKind::adamw;
  double weight_decay = 0.01;
  int batch = 16;                  // sequences per step
  int eval_sequences = 64;         // held-out sequences
  int log_every = 0;               // 0: about 20 history points over `steps`
  std::string backend = "simd";    // a float backend with a backward pass: simd or tiled
};

// The config with every 0 replaced by its default, checked field by field (and the model's size against
// limits before anything is allocated); throws core::InputError naming the field ("d_model", "lr", ...).
TrainConfig resolve_config(const TrainConfig& config);

// The model a task and a resolved config make.
ModelShape model_shape(const Task& task, const TrainConfig& config);

// Head scores on the held-out set (Olsson et al. 2022). Absent for cross-attention layers, whose keys are
// the context's, not the sequence's own positions.
struct HeadScore {
  int layer = 0, head = 0;
  std::optional<double> previous_token;  // mean weight on position i − 1 (rows i ≥ 1)
  std::optional<double> prefix_match;    // mean weight on the token right after the previous occurrence of
                                         // the current token (rows whose token occurred before)
};

struct Evaluation {
  double loss = 0;          // mean cross-entropy over the held-out predicted positions
  double accuracy = 0;      // fraction of them predicted right (argmax)
  double mean_entropy = 0;  // of the softmax rows of every head, nats
  std::vector<HeadScore> heads;  // layer-major
};

struct HistoryPoint {
  int step = 0;
  double loss = 0;        // training loss, mean over the steps since the previous point (step 0: held-out loss)
  double eval_loss = 0, accuracy = 0, mean_entropy = 0;  // held-out, at this step
  double grad_norm_w_q = 0, grad_norm_w_k = 0;  // ‖∂L/∂W_Q‖, ‖∂L/∂W_K‖ (all layers, Frobenius), mean since the previous point
  double previous_token = 0, prefix_match = 0;  // the best head's scores at this step (0 for cross-attention)
};

// Every head's weights on one held-out sequence.
struct AttentionMaps {
  std::vector<std::string> tokens;  // the sequence's N labels
  std::vector<std::string> keys;    // the keys' M labels (the tokens again for self-attention)
  int layers = 0, heads = 0;
  std::vector<core::Matrix> weights;  // [layer · heads + head]: N × M
};

class Trainer {
 public:
  explicit Trainer(const TrainConfig& config);  // resolves and checks the config (core::InputError)

  const TrainConfig& config() const { return config_; }  // resolved: no zeros left
  const Task& task() const { return task_; }
  int steps_done() const { return step_; }
  bool finished() const { return step_ >= config_.steps || diverged_; }
  // The loss or a gradient stopped being finite (a learning rate too large): the weights are the last finite
  // ones, a last history point was added, and step() does nothing more.
  bool diverged() const { return diverged_; }

  // One optimizer step on a fresh batch (also past config().steps, for a UI's "Step"); returns its loss.
  // Every log_every steps (and at config().steps) the held-out set is evaluated and a history point added.
  double step();
  // Steps until `max_steps` are done, the run is finished, or `budget_ms` of wall time has passed (checked
  // after each step, so one step always runs unless finished). Returns the steps taken.
  int train_for(int max_steps, double budget_ms);

  const std::vector<HistoryPoint>& history() const { return history_; }  // starts with step 0
  const Evaluation& last_evaluation() const { return evaluation_; }       // of the latest history point
  Evaluation evaluate();  // now, with the current ablations (does not add a history point)

  AttentionMaps attention(int sequence = 0);  // sequence: index into the held-out set

  // An ablated head's contribution is zeroed (in training and evaluation alike) until restored.
  void set_ablated(int layer, int head, bool ablated);
  bool ablated(int layer, int head) const { return model_.ablated(layer, head); }

  // Layer `layer` on held-out sequence `sequence` as a scenario: x is the residual stream entering the layer
  // (for the first self-attention layer, the token embeddings with the learned positions as its `positional`
  // table), its trained weights and biases, the task's tokens, causal mask (or the context, for
  // cross-attention); an ablated head's rows of w_o are zero. Its output is the layer's contribution to the
  // residual stream.
  core::Scenario layer_scenario(int layer, int sequence = 0);

  const std::vector<float>& parameters() const { return params_; }
  const ParameterLayout& layout() const { return model_.layout(); }
  const std::vector<Example>& held_out() const { return held_out_; }
  // The batch the next step() trains on (drawn when the previous step ran).
  const std::vector<Example>& next_batch() const { return next_batch_; }

 private:
  void draw_batch();
  void log_point();
  HistoryPoint point(int step, double loss, double grad_q, double grad_k) const;  // from evaluation_
  Evaluation run_evaluation();

  TrainConfig config_;
  Task task_;
  std::unique_ptr<core::GradKernel<float>> kernel_;
  Model model_;
  Optimizer optimizer_;
  Rng data_rng_;
  std::vector<float> params_, grads_, last_finite_;  // last_finite_: the weights before the latest update
  std::vector<Example> held_out_, next_batch_;
  Batch batch_;
  int step_ = 0;
  bool diverged_ = false;
  std::vector<HistoryPoint> history_;
  Evaluation evaluation_;
  // since the last history point
  double loss_sum_ = 0, grad_q_sum_ = 0, grad_k_sum_ = 0;
  int steps_since_log_ = 0;
};

}  // namespace ap::train
