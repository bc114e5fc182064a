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
  Matrix q, k, v;            // N × d_k, M × d_k (after RoPE), M × d_v
  Matrix scores;             // N × M: q·kᵀ
  Matrix scaled;             // N × M: scale · scores (masked entries are listed in Trace::allowed, not −∞)
  Matrix weights;            // N × M: softmax rows (zeros where masked, all zero for empty rows)
  Matrix output;             // N × d_v
  RowDiagnostics diagnostics;
  // Large layers (core/trace_job.hpp) leave scores, scaled and weights empty for heads not on screen; their
  // weights are then here, max-pooled: cell (a, b) is the largest weight of rows [a·pool, (a+1)·pool) and
  // keys [b·pool, (b+1)·pool). Empty when the full weights are recorded.
  Matrix weights_overview;
  int overview_pool = 1;
};

struct Trace {
  std::string backend;
  double scale = 1.0;             // the multiplier that was applied
  Matrix x_in;                    // N × d_model: x after additive positional encoding
  Matrix context_in;              // M × d_model: context.x after it (empty for self-attention)
  Matrix positional;              // max(N, M) × d_model: what was added (empty when nothing)
  std::vector<HeadTrace> heads;   // empty matrices when only the output was recorded
  Matrix concat;                  // N × (h·d_v)
  Matrix output;                  // N × d_model
  AllowMatrix allowed;            // N × M, 1 = may attend
  std::vector<int> empty_rows;    // query rows with no allowed key: zero weights, zero output
};

}  // namespace ap::core
