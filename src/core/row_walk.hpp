// One output row of the layer, stage by stage (the "Step through" view, SPEC §3 viewState().steps): q_i, its
// scores q_i·k_j, the scale, the score mods of SPEC §1b, the mask, exp(s − max) and Σ exp, the softmax weights,
// the mix Σ_j w_ij·v_j, the head's output row, the concat of heads and W_O. Every number is the trace's (or, for
// exp and Σ exp, core/breakdown's softmax_row_parts of it); each stage names the cells it involves so a view can
// light them up. Depends on core only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

enum class WalkStageKind { query, scores, scale, score_mods, mask, exp, softmax, mix, head_output, concat, output };

// Cells [row0, row1) × [col0, col1) of one matrix of the trace: "q", "k", "v", "scores", "scaled", "weights", "out"
// (the walk's head), "concat", "w_o", "output".
struct WalkSpan {
  std::string matrix;
  int row0 = 0, row1 = 0, col0 = 0, col1 = 0;
};

struct WalkFact {  // a named number of the stage: the scale, the row's max, Σ exp, ...
  std::string label;
  double value = 0;
};

struct WalkStage {
  WalkStageKind kind = WalkStageKind::query;
  std::string id;       // "query", "scores", ... (stable, for tests and SPEC §3)
  std::string title;    // "q_i: the query row"
  std::string formula;  // "s_ij = Σ_c q_ic·k_jc"
  std::string note;     // one sentence on what happens here
  bool per_key = false;                // values are indexed by key j (else by coordinate c)
  std::vector<double> values;          // the stage's numbers
  std::vector<std::uint8_t> excluded;  // per key: no part of this stage's sum (masked at −∞); empty: none
  std::vector<WalkFact> facts;
  std::vector<WalkSpan> spans;         // the cells involved
};

struct RowWalk {
  int head = 0, query = 0;
  std::vector<WalkStage> stages;  // in order; score_mods only when the head has ALiBi, a softcap or a precision
};

// The walk of query row `query` through head `head`, or nothing when the trace does not hold that head's N × M
// matrices (a large layer records only the heads on screen) or the row does not exist.
std::optional<RowWalk> make_row_walk(const Scenario& s, const Trace& t, int head, int query);

}  // namespace ap::core
