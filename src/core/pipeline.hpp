// The attention layer, step by step, over any Kernel<T>: positions → projections → RoPE → per-head
// attention → concat → W_O. The double reference and every float backend run this same sequence, so a
// backend differs from the reference only in Kernel::matmul and Kernel::attend.
#pragma once

#include "core/kernel.hpp"
#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

struct TraceOptions {
  bool record_matrices = true;  // per-head q, k, v, scores, weights (N × M each); off for long benchmarks
};

// scenario must have passed validate_scenario().
template <class T>
Trace compute_trace(const Scenario& scenario, Kernel<T>& kernel, const TraceOptions& options = {});

// The double-precision reference: textbook loops, double accumulation.
Trace compute_reference(const Scenario& scenario);

// The float-side inputs of the attention step, kept separate so benchmarks can time attention alone.
template <class T>
struct Projected {
  MatrixT<T> q, k, v;  // N × (h·d_k), M × (g·d_k), M × (g·d_v) (g = kv_heads), after RoPE, rounded to the precision
};

template <class T>
Projected<T> project_inputs(const Scenario& s, Kernel<T>& kernel, Matrix* x_in_out = nullptr,
                            Matrix* context_in_out = nullptr, Matrix* positional_out = nullptr);

// project_inputs in bounded parts, for a computation in steps (core/trace_job.cpp: a large layer's products
// must not take one long step, which would stall a frame or a cancel): the inputs and weights in T, then each
// product's rows block by block, then RoPE and the rounding. project_inputs is these three in one go.
template <class T>
struct Projection {
  MatrixT<T> x, context;              // x + PE (context + PE) in T, rounded to the precision; context empty for self
  MatrixT<T> w[3];                    // W_Q, W_K, W_V in T, rounded
  RowVectorT<T> b[3];                 // their biases
  Projected<T> out;                   // sized by begin_projection, filled by project_rows
  int rows(int which) const { return static_cast<int>((which == 0 ? out.q : which == 1 ? out.k : out.v).rows()); }
  long long work_per_row(int which) const { return static_cast<long long>(w[which].rows()) * w[which].cols(); }
};
template <class T>
Projection<T> begin_projection(const Scenario& s);
// Rows [r0, r0 + rows) of product `which` (0: q = x·W_Q + b_Q, 1: k, 2: v from the context or x).
template <class T>
void project_rows(Kernel<T>& kernel, Projection<T>& p, int which, int r0, int rows);
// RoPE and rounding; fills x_in, context_in and positional as project_inputs does. Leaves p.out moved from.
template <class T>
Projected<T> finish_projection(const Scenario& s, Projection<T>& p, Matrix* x_in_out = nullptr,
                               Matrix* context_in_out = nullptr, Matrix* positional_out = nullptr);

// compute_trace in three parts, for a backend that attends elsewhere and later (the WebGPU backend hands
// back every head's scores, weights and output a few frames on), so the trace is assembled in one place.
// begin_trace: steps 1–3 and the mask; fills the trace's inputs, scale and allow matrix, returns q/k/v.
// outputs_only (benchmarks): no x_in, context_in, positional or allow matrix, only the empty rows.
template <class T>
Trace begin_trace(const Scenario& s, Kernel<T>& kernel, Projected<T>& projected, bool outputs_only = false);
// begin_trace from a Projection whose rows are all computed (trace_job.cpp), into the memory of `recycled`'s
// inputs where their sizes agree (its heads are dropped).
template <class T>
Trace begin_trace(const Scenario& s, const std::string& backend, Projection<T>& projection, Projected<T>& projected,
                  bool outputs_only = false, Trace recycled = {});
// One head's record: scores, weights (n × m contiguous), its output columns of concat, diagnostics.
template <class T>
void record_head(Trace& trace, const Scenario& s, const Projected<T>& projected, int head, const T* scores,
                 const T* weights, const MatrixT<T>& concat);
// Step 6: concat (N × h·d_v) and output = concat · W_o + b_o through kernel.matmul; outputs_only: no concat.
template <class T>
void finish_trace(Trace& trace, const Scenario& s, Kernel<T>& kernel, const MatrixT<T>& concat, bool outputs_only = false);
// finish_trace in parts, as the projections: W_O and b_O in T, rows [r0, r0 + rows) of concat · W_O + b_O into
// `output` (N × d_model, sized by the caller), then the rest of finish_trace.
template <class T>
struct OutputProjection {
  MatrixT<T> w;
  RowVectorT<T> b;
};
template <class T>
OutputProjection<T> begin_output_projection(const Scenario& s);
template <class T>
void output_rows(Kernel<T>& kernel, const OutputProjection<T>& wo, const MatrixT<T>& concat, MatrixT<T>& output, int r0,
                 int rows);
template <class T>
void finish_trace(Trace& trace, const Scenario& s, const MatrixT<T>& concat, MatrixT<T>& output, bool outputs_only = false);

}  // namespace ap::core
