// The layer's steps in order, shared by every backend (see pipeline.hpp). With a `precision` (SPEC §1b) the
// rounding points are all here or in core/score_mod.hpp: inputs, Q/K/V after RoPE, the head outputs and the
// output here; scores, scaled scores and weights inside the kernels, through score_mod.hpp and softmax.hpp.
#include "core/pipeline.hpp"

#include <limits>
#include <type_traits>

#include "core/diagnostics.hpp"
#include "core/positional.hpp"
#include "core/reference_kernel.hpp"
#include "core/score_mod.hpp"
#include "core/trace_job.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

// X + PE (rows × d_model), in double: the encodings are exact inputs, not part of a backend's work.
Matrix with_positions(const Matrix& x, const Positional& positional) {
  const Matrix pe = additive_encoding(positional, static_cast<int>(x.rows()), static_cast<int>(x.cols()));
  return pe.size() == 0 ? x : Matrix(x + pe);
}

// An input (x, a weight, a bias) in T, rounded to the precision when there is one.
template <class T, class Derived>
auto in_format(const Eigen::MatrixBase<Derived>& m, const std::optional<Precision>& precision) {
  auto t = m.template cast<T>().eval();
  if (precision) round_all(*precision, t.data(), static_cast<std::size_t>(t.size()));
  return t;
}

template <class T>
void round_in_place(MatrixT<T>& m, const std::optional<Precision>& precision) {
  if (precision) round_all(*precision, m.data(), static_cast<std::size_t>(m.size()));
}

// y (rows × cols) = x (rows × inner) · w (inner × cols) + b, through the backend's matmul (not yet rounded).
template <class T>
MatrixT<T> project(Kernel<T>& kernel, const MatrixT<T>& x, const Matrix& w, const RowVector& b,
                   const std::optional<Precision>& precision) {
  const MatrixT<T> wt = in_format<T>(w, precision);
  MatrixT<T> y(x.rows(), w.cols());
  kernel.matmul(x.data(), wt.data(), y.data(), static_cast<int>(x.rows()), static_cast<int>(x.cols()),
                static_cast<int>(w.cols()));
  y.rowwise() += in_format<T>(b, precision);
  return y;
}

// Rotates each head's column block of q or k (rows × heads·width) by its row's position.
template <class T>
void rope_heads(MatrixT<T>& m, int heads, int width, const Positional& positional) {
  for (int h = 0; h < heads; ++h)
    rope_rotate(m.data() + static_cast<std::size_t>(h) * width, static_cast<int>(m.rows()), width,
                static_cast<int>(m.cols()), positional.rope_base, positional.rope_pairing);
}

// The scaled scores of one head (n × m) from its recorded scores, by the kernels' own score_mod.
template <class T>
Matrix scaled_of(const Scenario& s, int head, double scale, const T* scores) {
  HeadProblem<T> hp;
  hp.scale = static_cast<T>(scale);
  hp.variants = head_variants<T>(s, head);
  const int n = s.n(), m = s.m();
  Matrix scaled(n, m);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      scaled(i, j) = static_cast<double>(scaled_score(hp, scores[static_cast<std::size_t>(i) * m + j], i, j));
  return scaled;
}

}  // namespace

template <class T>
Projected<T> project_inputs(const Scenario& s, Kernel<T>& kernel, Matrix* x_in_out, Matrix* context_in_out,
                            Matrix* positional_out) {
  const std::optional<Precision>& precision = s.variants.precision;
  // step 1: additive positions, each sequence by its own positions; then in the backend's format
  const MatrixT<T> xf = in_format<T>(with_positions(s.query.x, s.positional), precision);
  const MatrixT<T> cf = s.context ? in_format<T>(with_positions(s.context->x, s.positional), precision) : MatrixT<T>();
  const MatrixT<T>& source = s.context ? cf : xf;
  // step 2: projections. q: N × h·d_k, k: M × g·d_k, v: M × g·d_v (g = kv_heads)
  Projected<T> p{project(kernel, xf, s.w_q, s.b_q, precision), project(kernel, source, s.w_k, s.b_k, precision),
                 project(kernel, source, s.w_v, s.b_v, precision)};
  // step 3: RoPE turns each head's q and k rows by their own positions
  if (s.positional.kind == PositionalKind::rope) {
    rope_heads(p.q, s.heads, s.d_k, s.positional);
    rope_heads(p.k, s.kv_heads(), s.d_k, s.positional);
  }
  round_in_place(p.q, precision);
  round_in_place(p.k, precision);
  round_in_place(p.v, precision);
  // what the backend computed with (a float backend's x_in is x + PE in float: an overflow there shows)
  if (x_in_out) *x_in_out = xf.template cast<double>();
  if (context_in_out) *context_in_out = s.context ? Matrix(cf.template cast<double>()) : Matrix();
  if (positional_out) *positional_out = additive_encoding(s.positional, std::max(s.n(), s.m()), s.d_model());
  return p;
}

template <class T>
Trace begin_trace(const Scenario& s, Kernel<T>& kernel, Projected<T>& projected, bool outputs_only) {
  Trace trace;
  trace.backend = kernel.name();
  trace.computed_in = s.variants.precision ? precision_name(*s.variants.precision)
                                            : std::is_same_v<T, double> ? "float64" : "float32";
  trace.scale = s.scale.factor(s.d_k);
  if (outputs_only) projected = project_inputs(s, kernel);
  else projected = project_inputs(s, kernel, &trace.x_in, &trace.context_in, &trace.positional);
  const MaskRule mask(s.mask, s.n(), s.m());
  if (!outputs_only) trace.allowed = allow_matrix(mask);
  // a finite mask_fill gives a row without keys uniform weights: the empty-row rule does not apply
  if (!s.variants.mask_fill || !std::isfinite(*s.variants.mask_fill))
    trace.empty_rows = outputs_only ? empty_rows(mask) : empty_rows(trace.allowed);
  return trace;
}

template <class T>
void record_head(Trace& trace, const Scenario& s, const Projected<T>& p, int head, const T* scores,
                 const T* weights, const MatrixT<T>& concat) {
  using Map = Eigen::Map<const MatrixT<T>>;
  const int n = s.n(), m = s.m(), dk = s.d_k, dv = s.d_v, kv = s.kv_head_of(head);
  HeadTrace ht;
  ht.q = p.q.middleCols(head * dk, dk).template cast<double>();
  ht.k = p.k.middleCols(kv * dk, dk).template cast<double>();
  ht.v = p.v.middleCols(kv * dv, dv).template cast<double>();
  ht.scores = Map(scores, n, m).template cast<double>();
  ht.scaled = scaled_of(s, head, trace.scale, scores);
  ht.weights = Map(weights, n, m).template cast<double>();
  ht.output = concat.middleCols(head * dv, dv).template cast<double>();
  ht.diagnostics = row_diagnostics(ht.scores, ht.scaled, ht.weights, trace.allowed);
  trace.heads.push_back(std::move(ht));
}

template <class T>
void finish_trace(Trace& trace, const Scenario& s, Kernel<T>& kernel, const MatrixT<T>& concat, bool outputs_only) {
  // step 6: output (N × d_model) = concat (N × h·d_v) · W_o + b_o through kernel.matmul
  MatrixT<T> out = project(kernel, concat, s.w_o, s.b_o, s.variants.precision);
  round_in_place(out, s.variants.precision);
  if (!outputs_only) trace.concat = concat.template cast<double>();
  trace.output = out.template cast<double>();
  trace.nonfinite = nonfinite_cells(trace);
}

template <class T>
Trace compute_trace(const Scenario& s, Kernel<T>& kernel, const TraceOptions& options) {
  // steps 4–6 per head, a whole head at a time: the same code the page runs block by block
  JobOptions job;
  job.record_nothing = !options.record_matrices;
  job.work_per_step = std::numeric_limits<long long>::max();
  TraceJob<T> steps(s, kernel, job);
  while (!steps.step()) {}
  return steps.take();
}

Trace compute_reference(const Scenario& scenario) {
  ReferenceKernel kernel;
  return compute_trace<double>(scenario, kernel);
}

template Trace compute_trace<float>(const Scenario&, Kernel<float>&, const TraceOptions&);
template Trace compute_trace<double>(const Scenario&, Kernel<double>&, const TraceOptions&);
template Projected<float> project_inputs<float>(const Scenario&, Kernel<float>&, Matrix*, Matrix*, Matrix*);
template Projected<double> project_inputs<double>(const Scenario&, Kernel<double>&, Matrix*, Matrix*, Matrix*);
template Trace begin_trace<float>(const Scenario&, Kernel<float>&, Projected<float>&, bool);
template void record_head<float>(Trace&, const Scenario&, const Projected<float>&, int, const float*, const float*,
                                 const MatrixF&);
template void finish_trace<float>(Trace&, const Scenario&, Kernel<float>&, const MatrixF&, bool);
template Trace begin_trace<double>(const Scenario&, Kernel<double>&, Projected<double>&, bool);
template void finish_trace<double>(Trace&, const Scenario&, Kernel<double>&, const Matrix&, bool);

}  // namespace ap::core
