// The layer's forward, keeping what the backward needs, then every step backward (see layer_grad.hpp).
#include "core/layer_grad.hpp"

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/layer_grad_steps.hpp"
#include "core/pipeline.hpp"
#include "core/precision.hpp"
#include "core/reference_grad.hpp"

namespace ap::core {

Matrix output_gradient(const Scenario& s) {
  return s.d_output ? *s.d_output : Matrix(Matrix::Ones(s.n(), s.d_model()));
}

void check_gradients_supported(const Scenario& s) {
  const Variants& v = s.variants;
  if (v.precision && *v.precision != Precision::fp32)
    throw InputError("precision", std::string("the backward pass of a ") + precision_name(*v.precision) +
                                      " model is not defined here (SPEC §2: grad refuses fp16 and bf16)");
  const auto unsupported = [](const char* field) {
    throw InputError(field, "the backward pass does not cover this variant yet (SPEC §1b); remove it to take gradients");
  };
  if (v.kv_heads && *v.kv_heads != s.heads) unsupported("kv_heads");
  if (v.alibi) unsupported("alibi");
  if (v.softcap) unsupported("softcap");
  if (v.sinks) unsupported("sinks");
  if (v.mask_fill && std::isfinite(*v.mask_fill)) unsupported("mask_fill");
}

template <class T>
Gradients compute_gradients(const Scenario& scenario, GradKernel<T>& kernel) {
  check_gradients_supported(scenario);
  if (scenario.variants.precision) {  // fp32: the backend's own arithmetic (float, or double for the reference)
    Scenario plain = scenario;
    plain.variants.precision.reset();
    return compute_gradients(plain, kernel);
  }
  const Scenario& s = scenario;
  const int n = s.n(), m = s.m(), dm = s.d_model(), h = s.heads, dk = s.d_k, dv = s.d_v;
  const int hk = h * dk, hv = h * dv;
  const T scale = static_cast<T>(s.scale.factor(dk));
  const MaskRule mask(s.mask, n, m);

  // forward, steps 1–3: x_in (N × d_model), c_in (M × d_model, cross only), q, k, v after RoPE
  Matrix x_in, c_in;
  const Projected<T> p = project_inputs(s, kernel.forward(), &x_in, &c_in);
  const MatrixT<T> xf = x_in.cast<T>();
  const MatrixT<T> cf = s.context ? MatrixT<T>(c_in.cast<T>()) : MatrixT<T>();
  const MatrixT<T>& source = s.context ? cf : xf;
  // steps 4–5 per head, keeping concat (N × h·d_v) and each row's log-sum-exp (h × N), and each head's problem
  MatrixT<T> concat(n, hv);
  std::vector<T> lse(static_cast<std::size_t>(h) * n);
  std::vector<HeadProblem<T>> heads;
  for (int head = 0; head < h; ++head) {
    heads.push_back(HeadProblem<T>{
        .n = n, .m = m, .d_k = dk, .d_v = dv,
        .q = p.q.data() + head * dk, .q_stride = hk,
        .k = p.k.data() + head * dk, .k_stride = hk,
        .v = p.v.data() + head * dv, .v_stride = hv,
        .scale = scale, .mask = &mask,
        .row_lse = lse.data() + static_cast<std::size_t>(head) * n,
        .out = concat.data() + head * dv, .out_stride = hv});
    kernel.forward().attend(heads.back());
  }

  // backward, step 6: output = concat · W_o + b_o
  const MatrixT<T> g = output_gradient(s).cast<T>();
  const MatrixT<T> w_q = s.w_q.cast<T>(), w_k = s.w_k.cast<T>(), w_v = s.w_v.cast<T>(), w_o = s.w_o.cast<T>();
  MatrixT<T> d_concat = MatrixT<T>::Zero(n, hv), d_w_o(hv, dm);
  RowVectorT<T> d_b_o(dm);
  projection_backward(kernel, n, hv, dm, concat.data(), w_o.data(), g.data(), d_concat.data(), d_w_o.data(),
                      d_b_o.data(), false);

  // steps 5–4 per head: weighted sum, softmax, mask, scale, scores → ∂L/∂q, ∂L/∂k, ∂L/∂v
  MatrixT<T> d_q = MatrixT<T>::Zero(n, hk), d_k = MatrixT<T>::Zero(m, hk), d_v = MatrixT<T>::Zero(m, hv);
  for (int head = 0; head < h; ++head)
    kernel.attend_backward(HeadGradProblem<T>{.forward = heads[static_cast<std::size_t>(head)],
                                              .out_grad = d_concat.data() + head * dv, .out_grad_stride = hv,
                                              .q_grad = d_q.data() + head * dk, .q_grad_stride = hk,
                                              .k_grad = d_k.data() + head * dk, .k_grad_stride = hk,
                                              .v_grad = d_v.data() + head * dv, .v_grad_stride = hv});

  // step 3: RoPE, each sequence by its own positions
  if (s.positional.kind == PositionalKind::rope) {
    rope_backward(d_q.data(), n, h, dk, hk, s.positional.rope_base, s.positional.rope_pairing);
    rope_backward(d_k.data(), m, h, dk, hk, s.positional.rope_base, s.positional.rope_pairing);
  }

  // step 2: Q = X·W_q + b_q, K = C·W_k + b_k, V = C·W_v + b_v (C = the context's x_in, or X's)
  MatrixT<T> d_x_in = MatrixT<T>::Zero(n, dm);
  MatrixT<T> d_c_in = s.context ? MatrixT<T>(MatrixT<T>::Zero(m, dm)) : MatrixT<T>();
  T* d_source = s.context ? d_c_in.data() : d_x_in.data();
  MatrixT<T> d_w_q(dm, hk), d_w_k(dm, hk), d_w_v(dm, hv);
  RowVectorT<T> d_b_q(hk), d_b_k(hk), d_b_v(hv);
  projection_backward(kernel, n, dm, hk, xf.data(), w_q.data(), d_q.data(), d_x_in.data(), d_w_q.data(), d_b_q.data(),
                      false);
  projection_backward(kernel, m, dm, hk, source.data(), w_k.data(), d_k.data(), d_source, d_w_k.data(), d_b_k.data(),
                      false);
  projection_backward(kernel, m, dm, hv, source.data(), w_v.data(), d_v.data(), d_source, d_w_v.data(), d_b_v.data(),
                      false);

  // step 1: x_in = x + PE. A sinusoidal PE is a constant; a learned table gathers both sequences' gradients.
  Gradients out;
  out.backend = kernel.name();
  out.d_x = d_x_in.template cast<double>();
  if (s.context) out.d_context_x = d_c_in.template cast<double>();
  if (s.positional.kind == PositionalKind::learned) {
    MatrixT<T> d_table = MatrixT<T>::Zero(s.positional.learned.rows(), dm);
    learned_positions_backward(d_x_in.data(), n, dm, d_table.data());
    if (s.context) learned_positions_backward(d_c_in.data(), m, dm, d_table.data());
    out.d_learned = d_table.template cast<double>();
  }
  out.d_w_q = d_w_q.template cast<double>();
  out.d_w_k = d_w_k.template cast<double>();
  out.d_w_v = d_w_v.template cast<double>();
  out.d_w_o = d_w_o.template cast<double>();
  out.d_b_q = d_b_q.template cast<double>();
  out.d_b_k = d_b_k.template cast<double>();
  out.d_b_v = d_b_v.template cast<double>();
  out.d_b_o = d_b_o.template cast<double>();
  return out;
}

Gradients reference_gradients(const Scenario& scenario) {
  ReferenceGradKernel kernel;
  return compute_gradients<double>(scenario, kernel);
}

template Gradients compute_gradients<float>(const Scenario&, GradKernel<float>&);
template Gradients compute_gradients<double>(const Scenario&, GradKernel<double>&);

}  // namespace ap::core
