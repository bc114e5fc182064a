// The gradients of the whole layer (SPEC §2 `attention-cli grad`): of L = Σ output ⊙ G with respect to every
// input the user entered, G being the scenario's d_output (all ones when absent). The forward runs the
// pipeline's steps 1–6 over the backend's Kernel; the backward undoes them in reverse: W_O, each head's
// weighted sum / softmax / mask / scale / scores (the backend's attend_backward), RoPE, the projections,
// additive positions. Always double out, whatever the backend computed in. No I/O.
#pragma once

#include <optional>
#include <string>

#include "core/grad_kernel.hpp"
#include "core/scenario.hpp"

namespace ap::core {

struct Gradients {
  std::string backend;
  Matrix d_x;                          // N × d_model (of x as entered: before positions are added)
  Matrix d_w_q, d_w_k, d_w_v, d_w_o;   // shaped like w_q, w_k, w_v, w_o
  RowVector d_b_q, d_b_k, d_b_v, d_b_o;
  std::optional<Matrix> d_context_x;   // M × d_model, with cross-attention
  std::optional<Matrix> d_learned;     // the learned table's shape, with learned positions (unused rows: 0)
};

// G: the scenario's d_output, or N × d_model ones.
Matrix output_gradient(const Scenario& scenario);

// Throws InputError naming the field when the backward pass does not apply: a precision of fp16 or bf16 (SPEC §2:
// refused), or a SPEC §1b variant whose derivative is not written yet (kv_heads < heads, alibi, softcap, sinks, a
// finite mask_fill), rather than return gradients of a different layer. compute_gradients calls it first; a
// precision of fp32 is taken as the backend's own arithmetic (a derivative of rounding is not defined).
void check_gradients_supported(const Scenario& scenario);

// scenario must have passed validate_scenario().
template <class T>
Gradients compute_gradients(const Scenario& scenario, GradKernel<T>& kernel);

// The double reference (core/reference_grad.hpp).
Gradients reference_gradients(const Scenario& scenario);

}  // namespace ap::core
