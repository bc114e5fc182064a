// The trace: every intermediate of one computation, what every view draws, what `attention-cli run`
// prints and what window.playground.getTrace() returns. Always double, whatever the backend computed in.
#pragma once

#include <string>
#include <vector>

#include "core/matrix.hpp"

namespace ap::core {

// One value per query row (over the allowed keys of that row; 0 for an empty row).
struct RowDiagnostics {
  std::vector<double> entropy;          // −Σ p log p (nats)
  std::vector<double> effective_keys;   // exp(entropy): how many keys the row really attends to
  std::vector<double> max_weight;
  std::vector<double> raw_mean, raw_variance;        // of q·k
  std::vector<double> scaled_mean, scaled_variance;  // of scale·q·k
  std::vector<double> jacobian_norm;    // ‖diag(p) − ppᵀ‖_F: how much gradient flows through the softmax
};

struct HeadTrace {
  Matrix q, k, v;            // N × d_k, M × d_k (after RoPE; the head's K/V head under GQA), M × d_v
  Matrix scores;             // N × M: q·kᵀ
  Matrix scaled;             // N × M: scale · scores, + ALiBi, softcap (masked entries are listed in Trace::allowed,
                             // not −∞ or the fill)
  Matrix weights;            // N × M: softmax rows (zeros where masked unless mask_fill is finite; all zero for
                             // empty rows; all NaN for a row that met ∞ or NaN, see core/softmax.hpp)
  Matrix output;             // N × d_v
  RowDiagnostics diagnostics;
  // Large layers (core/trace_job.hpp) leave scores, scaled and weights empty for heads not on screen; their
  // weights are then here, max-pooled: cell (a, b) is the largest weight of rows [a·pool, (a+1)·pool) and
  // keys [b·pool, (b+1)·pool). Empty when the full weights are recorded.
  Matrix weights_overview;
  int overview_pool = 1;
};

// A cell that is ±∞ or NaN (an overflow, or what came of one), listed so that it is never hidden (SPEC §1b).
struct NonFiniteCell {
  int head = -1;       // −1 for x_in, context_in, concat and output
  const char* matrix;  // "x_in", "context_in", "q", "k", "v", "scores", "scaled", "weights", "output", "concat"
  int row = 0, col = 0;
};

struct Trace {
  std::string backend;
  std::string computed_in;        // "float64" (reference), "float32" (float backends), or "fp32" / "fp16" / "bf16"
  double scale = 1.0;             // the multiplier that was applied
  Matrix x_in;                    // N × d_model: x after additive positional encoding
  Matrix context_in;              // M × d_model: context.x after it (empty for self-attention)
  Matrix positional;              // max(N, M) × d_model: what was added (empty when nothing)
  std::vector<HeadTrace> heads;   // empty matrices when only the output was recorded
  Matrix concat;                  // N × (h·d_v)
  Matrix output;                  // N × d_model
  AllowMatrix allowed;            // N × M, 1 = may attend
  std::vector<int> empty_rows;    // query rows with no allowed key: zero weights, zero output (none with a finite fill)
  std::vector<NonFiniteCell> nonfinite;  // every non-finite cell of the matrices above, head by head, row-major
};

// Every non-finite cell of the trace's matrices (x_in, context_in, each head's, concat, output), in that order.
std::vector<NonFiniteCell> nonfinite_cells(const Trace& trace);

}  // namespace ap::core
