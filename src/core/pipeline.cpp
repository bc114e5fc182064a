// The layer's steps in order, shared by every backend (see pipeline.hpp).
#include "core/pipeline.hpp"

#include "core/diagnostics.hpp"
#include "core/positional.hpp"
#include "core/reference_kernel.hpp"

namespace ap::core {

namespace {

// X + PE (rows × d_model), in double: the encodings are exact inputs, not part of a backend's work.
Matrix with_positions(const Matrix& x, const Positional& positional) {
  const Matrix pe = additive_encoding(positional, static_cast<int>(x.rows()), static_cast<int>(x.cols()));
  return pe.size() == 0 ? x : Matrix(x + pe);
}

// y (rows × cols) = x (rows × inner) · w (inner × cols) + b, through the backend's matmul.
template <class T>
MatrixT<T> project(Kernel<T>& kernel, const MatrixT<T>& x, const Matrix& w, const RowVector& b) {
  const MatrixT<T> wt = w.cast<T>();
  MatrixT<T> y(x.rows(), w.cols());
  kernel.matmul(x.data(), wt.data(), y.data(), static_cast<int>(x.rows()), static_cast<int>(x.cols()),
                static_cast<int>(w.cols()));
  y.rowwise() += b.cast<T>();
  return y;
}

// Rotates each head's column block of q or k (rows × heads·width) by its row's position.
template <class T>
void rope_heads(MatrixT<T>& m, int heads, int width, const Positional& positional) {
  for (int h = 0; h < heads; ++h)
    rope_rotate(m.data() + static_cast<std::size_t>(h) * width, static_cast<int>(m.rows()), width,
                static_cast<int>(m.cols()), positional.rope_base, positional.rope_pairing);
}

}  // namespace

template <class T>
Projected<T> project_inputs(const Scenario& s, Kernel<T>& kernel, Matrix* x_in_out, Matrix* context_in_out,
                            Matrix* positional_out) {
  // step 1: additive positions, each sequence by its own positions
  const Matrix x_in = with_positions(s.query.x, s.positional);
  const Matrix c_in = s.context ? with_positions(s.context->x, s.positional) : Matrix();
  const MatrixT<T> xf = x_in.cast<T>();
  const MatrixT<T> cf = s.context ? MatrixT<T>(c_in.cast<T>()) : MatrixT<T>();
  const MatrixT<T>& source = s.context ? cf : xf;
  // step 2: projections. q: N × h·d_k, k: M × h·d_k, v: M × h·d_v
  Projected<T> p{project(kernel, xf, s.w_q, s.b_q), project(kernel, source, s.w_k, s.b_k),
                 project(kernel, source, s.w_v, s.b_v)};
  // step 3: RoPE turns each head's q and k rows by their own positions
  if (s.positional.kind == PositionalKind::rope) {
    rope_heads(p.q, s.heads, s.d_k, s.positional);
    rope_heads(p.k, s.heads, s.d_k, s.positional);
  }
  if (x_in_out) *x_in_out = x_in;
  if (context_in_out) *context_in_out = c_in;
  if (positional_out) *positional_out = additive_encoding(s.positional, std::max(s.n(), s.m()), s.d_model());
  return p;
}

template <class T>
Trace begin_trace(const Scenario& s, Kernel<T>& kernel, Projected<T>& projected) {
  Trace trace;
  trace.backend = kernel.name();
  trace.scale = s.scale.factor(s.d_k);
  projected = project_inputs(s, kernel, &trace.x_in, &trace.context_in, &trace.positional);
  const MaskRule mask(s.mask, s.n(), s.m());
  trace.allowed = allow_matrix(mask);
  trace.empty_rows = empty_rows(trace.allowed);
  return trace;
}

template <class T>
void record_head(Trace& trace, const Scenario& s, const Projected<T>& p, int head, const T* scores,
                 const T* weights, const MatrixT<T>& concat) {
  using Map = Eigen::Map<const MatrixT<T>>;
  const int n = s.n(), m = s.m(), dk = s.d_k, dv = s.d_v;
  HeadTrace ht;
  ht.q = p.q.middleCols(head * dk, dk).template cast<double>();
  ht.k = p.k.middleCols(head * dk, dk).template cast<double>();
  ht.v = p.v.middleCols(head * dv, dv).template cast<double>();
  ht.scores = Map(scores, n, m).template cast<double>();
  ht.scaled = trace.scale * ht.scores;
  ht.weights = Map(weights, n, m).template cast<double>();
  ht.output = concat.middleCols(head * dv, dv).template cast<double>();
  ht.diagnostics = row_diagnostics(ht.scores, ht.weights, trace.allowed, trace.scale);
  trace.heads.push_back(std::move(ht));
}

template <class T>
void finish_trace(Trace& trace, const Scenario& s, Kernel<T>& kernel, const MatrixT<T>& concat) {
  // step 6: output (N × d_model) = concat (N × h·d_v) · W_o + b_o
  const MatrixT<T> out = project(kernel, concat, s.w_o, s.b_o);
  trace.concat = concat.template cast<double>();
  trace.output = out.template cast<double>();
}

template <class T>
Trace compute_trace(const Scenario& s, Kernel<T>& kernel, const TraceOptions& options) {
  const int n = s.n(), m = s.m(), h = s.heads, dk = s.d_k, dv = s.d_v;
  Projected<T> p;
  Trace trace = begin_trace(s, kernel, p);
  const MaskRule mask(s.mask, n, m);

  // steps 4–6 per head: scores, scale, mask, softmax, weighted sum, written into concat's column block
  MatrixT<T> concat(n, h * dv);
  MatrixT<T> scores, weights;
  if (options.record_matrices) {
    scores.resize(n, m);
    weights.resize(n, m);
  }
  for (int head = 0; head < h; ++head) {
    HeadProblem<T> hp;
    hp.n = n; hp.m = m; hp.d_k = dk; hp.d_v = dv;
    hp.q = p.q.data() + static_cast<std::size_t>(head) * dk; hp.q_stride = h * dk;
    hp.k = p.k.data() + static_cast<std::size_t>(head) * dk; hp.k_stride = h * dk;
    hp.v = p.v.data() + static_cast<std::size_t>(head) * dv; hp.v_stride = h * dv;
    hp.scale = static_cast<T>(trace.scale);
    hp.mask = &mask;
    hp.scores = options.record_matrices ? scores.data() : nullptr;
    hp.weights = options.record_matrices ? weights.data() : nullptr;
    hp.out = concat.data() + static_cast<std::size_t>(head) * dv; hp.out_stride = h * dv;
    kernel.attend(hp);
    if (options.record_matrices) record_head(trace, s, p, head, scores.data(), weights.data(), concat);
  }
  finish_trace(trace, s, kernel, concat);
  return trace;
}

Trace compute_reference(const Scenario& scenario) {
  ReferenceKernel kernel;
  return compute_trace<double>(scenario, kernel);
}

template Trace compute_trace<float>(const Scenario&, Kernel<float>&, const TraceOptions&);
template Trace compute_trace<double>(const Scenario&, Kernel<double>&, const TraceOptions&);
template Projected<float> project_inputs<float>(const Scenario&, Kernel<float>&, Matrix*, Matrix*, Matrix*);
template Projected<double> project_inputs<double>(const Scenario&, Kernel<double>&, Matrix*, Matrix*, Matrix*);
template Trace begin_trace<float>(const Scenario&, Kernel<float>&, Projected<float>&);
template void record_head<float>(Trace&, const Scenario&, const Projected<float>&, int, const float*, const float*,
                                 const MatrixF&);
template void finish_trace<float>(Trace&, const Scenario&, Kernel<float>&, const MatrixF&);
template Trace begin_trace<double>(const Scenario&, Kernel<double>&, Projected<double>&);
template void finish_trace<double>(Trace&, const Scenario&, Kernel<double>&, const Matrix&);

}  // namespace ap::core
