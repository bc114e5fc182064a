// The scaling experiment as a run (issue: "the case for 1/√d_k is run, not told"): one task and one seed,
// trained with scores scaled by 1/√d_k and unscaled, at a small and a large d_k, everything else equal;
// per logged step the training and held-out loss, held-out accuracy, mean softmax entropy and the gradient
// norm reaching W_Q and W_K. Data, not a chart: `attention-cli train --scaling` prints it, a UI draws it.
#pragma once

#include <functional>
#include <vector>

#include "train/trainer.hpp"

namespace ap::train {

struct ScalingConfig {
  TrainConfig base;                     // task, steps, seed, layers, heads, d_model, lr, ...: shared by every run
  std::vector<int> d_k_values = {16, 256};
};

struct ScalingRun {
  int d_k = 0;
  core::ScaleKind scale = core::ScaleKind::inv_sqrt_dk;
  std::vector<HistoryPoint> history;
  Evaluation final;
  bool diverged = false;  // stopped early: the loss or a gradient was no longer finite
};

// Runs d_k × {inv_sqrt_dk, none} in that order. on_point, if given, sees each history point as it is made
// (run index into the result, the run so far).
std::vector<ScalingRun> run_scaling_experiment(const ScalingConfig& config,
                                               const std::function<void(const ScalingRun&, const HistoryPoint&)>& on_point = {});

}  // namespace ap::train
