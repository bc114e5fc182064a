// Where one number of the trace comes from, as data (SPEC §3 window.playground.explain, and the views' tooltips):
// a product as its terms, value = Σ a·b (a bias is a term with b = 1); a softmax weight as
// numerator / denominator = exp(s_ij − max_i) / Σ_j exp(s_ij − max_i). Ids: scores[h][i][j], weights[h][i][j],
// out[h][i][c] (weights · V), output[i][c], q[h][i][c], k[h][j][c], v[h][j][c].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

struct BreakdownTerm {
  std::string label;  // "q[2][0]·k[1][0]", "w[2][3]·v[3][1]", "b_o[1]"
  double a = 0, b = 0;
};

struct Breakdown {
  double value = 0;     // the trace's number
  std::string formula;  // "scores[0][2][1] = Σ_c q[2][c]·k[1][c]"
  std::vector<BreakdownTerm> terms;  // products (empty for a weight)
  bool is_ratio = false;             // a weight: value = numerator / denominator
  double numerator = 0, denominator = 0;
  bool masked = false;               // a weight of a masked cell (0: the softmax never saw it)
  // A weight's numbers: s_ij and max_i as the softmax saw them (numerator = exp(logit − row_max)), and the
  // denominator's parts, each {"exp(s[i][k] − max)", exp(s_ik − max_i), 1} (a sink's too): Σ a·b = denominator.
  double logit = 0, row_max = 0;
  std::vector<BreakdownTerm> denominator_terms;
};

// What a tooltip lists of a long sum: the `keep` terms of largest |a·b| (largest first), and how many are left out
// and their Σ a·b, so that Σ shown + hidden_sum = total = Σ a·b over every term. keep ≥ the count: every term, in order.
struct TermSummary {
  std::vector<int> shown;  // indices into the terms
  int hidden = 0;
  double hidden_sum = 0, total = 0;
};
TermSummary summarise_terms(const std::vector<BreakdownTerm>& terms, int keep = 16);

// One query row's softmax as it ran (SPEC §1b), in double from the trace: per key the logit the softmax saw (the
// scaled score; a masked key the mask fill, −∞ unless a finite one was given), exp(logit − max) (0 for a key at −∞:
// no part of the sum), the row's max (a sink's logit included) and Σ exp (a sink's exp included). An empty row
// (every key at −∞, no sink) has row_max = −∞ and denominator 0.
struct SoftmaxRowParts {
  std::vector<double> seen, exps;  // M each
  double row_max = 0, denominator = 0;
  bool has_sink = false;
  double sink = 0, sink_exp = 0;   // the sink's logit and exp(sink − max)
};
SoftmaxRowParts softmax_row_parts(const Scenario& s, const Trace& t, int head, int row);

// The breakdown of `id`, or nothing for an id that names no cell of this trace (or a head not recorded).
std::optional<Breakdown> explain_cell(const Scenario& s, const Trace& t, const std::string& id);

}  // namespace ap::core
