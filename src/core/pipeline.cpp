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

// Rows [r0, r0 + rows) of y = x · w + b through the backend's matmul (row-major: a block of rows is contiguous).
template <class T>
void product_rows(Kernel<T>& kernel, const MatrixT<T>& x, const MatrixT<T>& w, const RowVectorT<T>& b, MatrixT<T>& y,
                  int r0, int rows) {
  if (rows <= 0) return;
  const auto inner = static_cast<int>(x.cols()), cols = static_cast<int>(w.cols());
  T* out = y.data() + static_cast<std::size_t>(r0) * cols;
  kernel.matmul(x.data() + static_cast<std::size_t>(r0) * inner, w.data(), out, rows, inner, cols);
  y.middleRows(r0, rows).rowwise() += b;
}

template <class T>
Projection<T> begin_projection(const Scenario& s) {
  const std::optional<Precision>& precision = s.variants.precision;
  Projection<T> p;
  // step 1: additive positions, each sequence by its own positions; then in the backend's format
  p.x = in_format<T>(with_positions(s.query.x, s.positional), precision);
  if (s.context) p.context = in_format<T>(with_positions(s.context->x, s.positional), precision);
  const Matrix* w[3] = {&s.w_q, &s.w_k, &s.w_v};
  const RowVector* b[3] = {&s.b_q, &s.b_k, &s.b_v};
  for (int i = 0; i < 3; ++i) {
    p.w[i] = in_format<T>(*w[i], precision);
    p.b[i] = in_format<T>(*b[i], precision);
  }
  const MatrixT<T>& source = s.context ? p.context : p.x;
  p.out.q.resize(p.x.rows(), p.w[0].cols());
  p.out.k.resize(source.rows(), p.w[1].cols());
  p.out.v.resize(source.rows(), p.w[2].cols());
  return p;
}

template <class T>
void project_rows(Kernel<T>& kernel, Projection<T>& p, int which, int r0, int rows) {
  // step 2: projections. q: N × h·d_k, k: M × g·d_k, v: M × g·d_v (g = kv_heads)
  const MatrixT<T>& source = which == 0 || p.context.size() == 0 ? p.x : p.context;
  MatrixT<T>& y = which == 0 ? p.out.q : which == 1 ? p.out.k : p.out.v;
  product_rows(kernel, source, p.w[which], p.b[which], y, r0, rows);
}

template <class T>
Projected<T> finish_projection(const Scenario& s, Projection<T>& p, Matrix* x_in_out, Matrix* context_in_out,
                               Matrix* positional_out) {
  const std::optional<Precision>& precision = s.variants.precision;
  // step 3: RoPE turns each head's q and k rows by their own positions
  if (s.positional.kind == PositionalKind::rope) {
    rope_heads(p.out.q, s.heads, s.d_k, s.positional);
    rope_heads(p.out.k, s.kv_heads(), s.d_k, s.positional);
  }
  round_in_place(p.out.q, precision);
  round_in_place(p.out.k, precision);
  round_in_place(p.out.v, precision);
  // what the backend computed with (a float backend's x_in is x + PE in float: an overflow there shows)
  if (x_in_out) *x_in_out = p.x.template cast<double>();
  if (context_in_out) *context_in_out = s.context ? Matrix(p.context.template cast<double>()) : Matrix();
  if (positional_out) *positional_out = additive_encoding(s.positional, std::max(s.n(), s.m()), s.d_model());
  return std::move(p.out);
}

template <class T>
Projected<T> project_inputs(const Scenario& s, Kernel<T>& kernel, Matrix* x_in_out, Matrix* context_in_out,
                            Matrix* positional_out) {
  Projection<T> p = begin_projection<T>(s);
  for (int which = 0; which < 3; ++which) project_rows(kernel, p, which, 0, p.rows(which));
  return finish_projection(s, p, x_in_out, context_in_out, positional_out);
}

template <class T>
Trace begin_trace(const Scenario& s, const std::string& backend, Projection<T>& projection, Projected<T>& projected,
                  bool outputs_only, Trace recycled) {
  Trace trace;  // x_in, concat and output are assigned below and in finish_trace: into recycled memory of their size
  if (!outputs_only) {
    trace.x_in.swap(recycled.x_in);
    trace.concat.swap(recycled.concat);
  }
  trace.output.swap(recycled.output);
  trace.backend = backend;
  trace.computed_in = s.variants.precision ? precision_name(*s.variants.precision)
                                            : std::is_same_v<T, double> ? "float64" : "float32";
  trace.scale = s.scale.factor(s.d_k);
  if (outputs_only) projected = finish_projection(s, projection);
  else projected = finish_projection(s, projection, &trace.x_in, &trace.context_in, &trace.positional);
  const MaskRule mask(s.mask, s.n(), s.m());
  if (!outputs_only) trace.allowed = allow_matrix(mask);
  // a finite mask_fill gives a row without keys uniform weights: the empty-row rule does not apply
  if (!s.variants.mask_fill || !std::isfinite(*s.variants.mask_fill))
    trace.empty_rows = outputs_only ? empty_rows(mask) : empty_rows(trace.allowed);
  return trace;
}

template <class T>
Trace begin_trace(const Scenario& s, Kernel<T>& kernel, Projected<T>& projected, bool outputs_only) {
  Projection<T> p = begin_projection<T>(s);
  for (int which = 0; which < 3; ++which) project_rows(kernel, p, which, 0, p.rows(which));
  return begin_trace(s, kernel.name(), p, projected, outputs_only);
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
OutputProjection<T> begin_output_projection(const Scenario& s) {
  return {in_format<T>(s.w_o, s.variants.precision), in_format<T>(s.b_o, s.variants.precision)};
}

template <class T>
void output_rows(Kernel<T>& kernel, const OutputProjection<T>& wo, const MatrixT<T>& concat, MatrixT<T>& output, int r0,
                 int rows) {
  // step 6: output (N × d_model) = concat (N × h·d_v) · W_o + b_o through kernel.matmul
  product_rows(kernel, concat, wo.w, wo.b, output, r0, rows);
}

template <class T>
void finish_trace(Trace& trace, const Scenario& s, const MatrixT<T>& concat, MatrixT<T>& output, bool outputs_only) {
  round_in_place(output, s.variants.precision);
  if (!outputs_only) trace.concat = concat.template cast<double>();
  trace.output = output.template cast<double>();
  trace.nonfinite = nonfinite_cells(trace);
}

template <class T>
void finish_trace(Trace& trace, const Scenario& s, Kernel<T>& kernel, const MatrixT<T>& concat, bool outputs_only) {
  const OutputProjection<T> wo = begin_output_projection<T>(s);
  MatrixT<T> out(concat.rows(), wo.w.cols());
  output_rows(kernel, wo, concat, out, 0, static_cast<int>(concat.rows()));
  finish_trace(trace, s, concat, out, outputs_only);
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
template Projection<float> begin_projection<float>(const Scenario&);
template Projection<double> begin_projection<double>(const Scenario&);
template void project_rows<float>(Kernel<float>&, Projection<float>&, int, int, int);
template void project_rows<double>(Kernel<double>&, Projection<double>&, int, int, int);
template Projected<float> finish_projection<float>(const Scenario&, Projection<float>&, Matrix*, Matrix*, Matrix*);
template Projected<double> finish_projection<double>(const Scenario&, Projection<double>&, Matrix*, Matrix*, Matrix*);
template Trace begin_trace<float>(const Scenario&, const std::string&, Projection<float>&, Projected<float>&, bool,
                                  Trace);
template Trace begin_trace<double>(const Scenario&, const std::string&, Projection<double>&, Projected<double>&, bool,
                                   Trace);
template OutputProjection<float> begin_output_projection<float>(const Scenario&);
template OutputProjection<double> begin_output_projection<double>(const Scenario&);
template void output_rows<float>(Kernel<float>&, const OutputProjection<float>&, const MatrixF&, MatrixF&, int, int);
template void output_rows<double>(Kernel<double>&, const OutputProjection<double>&, const Matrix&, Matrix&, int, int);
template void finish_trace<float>(Trace&, const Scenario&, const MatrixF&, MatrixF&, bool);
template void finish_trace<double>(Trace&, const Scenario&, const Matrix&, Matrix&, bool);
template void finish_trace<double>(Trace&, const Scenario&, Kernel<double>&, const Matrix&, bool);

}  // namespace ap::core
