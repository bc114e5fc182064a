// The scaling lab's d_k sweep: for random unit-variance q and k, how Var(q·k) grows with d_k unscaled
// and stays near 1 scaled, and what that does to the softmax (max weight, Jacobian norm).
#pragma once

#include <vector>

namespace ap::core {

struct SweepPoint {
  int d_k = 0;
  double variance_raw = 0, variance_scaled = 0;            // Var(q·k), Var(q·k / √d_k)
  double max_weight_raw = 0, max_weight_scaled = 0;        // mean over trials of a row's largest weight
  double jacobian_raw = 0, jacobian_scaled = 0;            // mean ‖diag(p) − ppᵀ‖_F
};

// keys: keys per softmax row; trials: rows sampled per d_k. Deterministic for a seed.
std::vector<SweepPoint> scaling_sweep(const std::vector<int>& d_ks, int keys, int trials, unsigned seed);

// 1, 2, 4, ..., 1024.
std::vector<int> powers_of_two_up_to(int largest);

}  // namespace ap::core
