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

// compute_trace in three parts, for a backend that attends elsewhere and later (the WebGPU backend hands
// back every head's scores, weights and output a few frames on), so the trace is assembled in one place.
// begin_trace: steps 1–3 and the mask; fills the trace's inputs, scale and allow matrix, returns q/k/v.
// outputs_only (benchmarks): no x_in, context_in, positional or allow matrix, only the empty rows.
template <class T>
Trace begin_trace(const Scenario& s, Kernel<T>& kernel, Projected<T>& projected, bool outputs_only = false);
// One head's record: scores, weights (n × m contiguous), its output columns of concat, diagnostics.
template <class T>
void record_head(Trace& trace, const Scenario& s, const Projected<T>& projected, int head, const T* scores,
                 const T* weights, const MatrixT<T>& concat);
// Step 6: concat (N × h·d_v) and output = concat · W_o + b_o through kernel.matmul; outputs_only: no concat.
template <class T>
void finish_trace(Trace& trace, const Scenario& s, Kernel<T>& kernel, const MatrixT<T>& concat, bool outputs_only = false);

}  // namespace ap::core
