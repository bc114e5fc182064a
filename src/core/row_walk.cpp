// The stages of one output row (see row_walk.hpp), read from the trace; exp(s − max) and Σ exp from
// softmax_row_parts, the one place that rebuilds what the softmax saw.
#include "core/row_walk.hpp"

#include <limits>

#include "core/breakdown.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

std::vector<double> row_of(const Matrix& m, int i) {
  std::vector<double> out(static_cast<std::size_t>(m.cols()));
  for (Eigen::Index c = 0; c < m.cols(); ++c) out[static_cast<std::size_t>(c)] = m(i, c);
  return out;
}

// Spans of `matrix` over the runs of keys not excluded: rows of K / V (keys_are_rows) or columns of row i.
void add_key_runs(std::vector<WalkSpan>& spans, const std::string& matrix, const std::vector<std::uint8_t>& excluded,
                  int keys, bool keys_are_rows, int i, int width) {
  for (int j = 0; j < keys;) {
    if (!excluded.empty() && excluded[static_cast<std::size_t>(j)]) {
      ++j;
      continue;
    }
    int end = j;
    while (end < keys && (excluded.empty() || !excluded[static_cast<std::size_t>(end)])) ++end;
    spans.push_back(keys_are_rows ? WalkSpan{matrix, j, end, 0, width} : WalkSpan{matrix, i, i + 1, j, end});
    j = end;
  }
}

}  // namespace

std::optional<RowWalk> make_row_walk(const Scenario& s, const Trace& t, int head, int query) {
  if (head < 0 || head >= static_cast<int>(t.heads.size())) return std::nullopt;
  const HeadTrace& h = t.heads[static_cast<std::size_t>(head)];
  if (query < 0 || query >= h.weights.rows() || h.scores.rows() != h.weights.rows() || t.concat.rows() <= query ||
      t.output.rows() <= query)
    return std::nullopt;
  const int i = query, keys = static_cast<int>(h.weights.cols()), d_k = static_cast<int>(h.q.cols());
  const int d_v = static_cast<int>(h.v.cols());
  const HeadVariants<double> hv = head_variants<double>(s, head);
  const SoftmaxRowParts parts = softmax_row_parts(s, t, head, i);
  std::vector<std::uint8_t> excluded(static_cast<std::size_t>(keys));
  for (int j = 0; j < keys; ++j)
    excluded[static_cast<std::size_t>(j)] = parts.seen[static_cast<std::size_t>(j)] == -std::numeric_limits<double>::infinity();

  RowWalk walk;
  walk.head = head;
  walk.query = query;
  const auto add = [&](WalkStageKind kind, const char* id, std::string title, std::string formula, std::string note,
                       bool per_key, std::vector<double> values) -> WalkStage& {
    WalkStage st;
    st.kind = kind;
    st.id = id;
    st.title = std::move(title);
    st.formula = std::move(formula);
    st.note = std::move(note);
    st.per_key = per_key;
    st.values = std::move(values);
    walk.stages.push_back(std::move(st));
    return walk.stages.back();
  };

  const bool rope = s.positional.kind == PositionalKind::rope;
  WalkStage& q = add(WalkStageKind::query, "query", "q_i: the query row", "q_i = x_i · W_Q + b_Q" + std::string(rope ? ", then rotated by RoPE" : ""),
                     "The query of token i: what it looks for, d_k numbers.", false, row_of(h.q, i));
  q.spans.push_back({"q", i, i + 1, 0, d_k});

  WalkStage& sc = add(WalkStageKind::scores, "scores", "scores q_i·k_j", "s_ij = Σ_c q_ic · k_jc",
                      "One dot product per key: how well key j matches what query i looks for. Every key gets a "
                      "score; the mask comes later.",
                      true, row_of(h.scores, i));
  sc.spans = {{"q", i, i + 1, 0, d_k}, {"k", 0, keys, 0, d_k}, {"scores", i, i + 1, 0, keys}};

  const bool mods = !hv.plain_scores();
  std::vector<double> scaled(static_cast<std::size_t>(keys));
  for (int j = 0; j < keys; ++j) scaled[static_cast<std::size_t>(j)] = mods ? t.scale * h.scores(i, j) : h.scaled(i, j);
  WalkStage& scale = add(WalkStageKind::scale, "scale", "the scale", "scale · s_ij",
                         "The scores are multiplied by the scale (1/√d_k by default) so their spread does not grow "
                         "with d_k and the softmax stays soft.",
                         true, std::move(scaled));
  scale.facts.push_back({"scale", t.scale});
  scale.facts.push_back({"d_k", static_cast<double>(s.d_k)});
  scale.spans = {{"scores", i, i + 1, 0, keys}, {"scaled", i, i + 1, 0, keys}};

  if (mods) {
    std::string formula = "scale · s_ij", note;
    if (hv.alibi_slope != 0) {
      formula += " − m·|i + offset − j|";
      note += "ALiBi subtracts m times the distance between query and key. ";
    }
    if (hv.softcap != 0) {
      formula = "c · tanh((" + formula + ") / c)";
      note += "The softcap squashes every score into (−c, c). ";
    }
    if (hv.precision) {
      formula += ", rounded to " + std::string(precision_name(*hv.precision));
      note += "Each score is rounded to the precision the model stores. ";
    }
    WalkStage& m = add(WalkStageKind::score_mods, "score_mods", "the score mods", formula, note, true, row_of(h.scaled, i));
    if (hv.alibi_slope != 0) {
      m.facts.push_back({"ALiBi slope m", hv.alibi_slope});
      m.facts.push_back({"query offset", static_cast<double>(hv.query_offset)});
    }
    if (hv.softcap != 0) m.facts.push_back({"softcap c", hv.softcap});
    m.spans = {{"scaled", i, i + 1, 0, keys}};
  }

  const bool finite_fill = hv.finite_fill();
  WalkStage& mask = add(WalkStageKind::mask, "mask", "the mask",
                        finite_fill ? "masked keys' scores become the fill" : "masked keys' scores become −∞",
                        finite_fill ? "A key the mask forbids gets the fill value instead of its score: it still takes "
                                      "part in the softmax, with a small weight."
                                    : "A key the mask forbids gets −∞: exp(−∞) = 0, so it takes no part in the softmax.",
                        true, parts.seen);
  mask.excluded = excluded;
  if (finite_fill) mask.facts.push_back({"fill", hv.fill});
  int allowed = 0;
  for (int j = 0; j < keys; ++j) allowed += t.allowed(i, j) ? 1 : 0;
  mask.facts.push_back({"keys allowed", static_cast<double>(allowed)});
  mask.facts.push_back({"keys masked", static_cast<double>(keys - allowed)});
  add_key_runs(mask.spans, "scaled", excluded, keys, false, i, 0);

  const bool empty = parts.row_max == -std::numeric_limits<double>::infinity();
  WalkStage& ex = add(WalkStageKind::exp, "exp", "exp(s − max) and Σ exp",
                      "e_ij = exp(s_ij − max_j s_ij),   Σ_j e_ij" + std::string(parts.has_sink ? " + exp(sink − max)" : ""),
                      empty ? "No key is allowed in this row: there is nothing to exponentiate, and the weights are all zero."
                            : "Subtracting the row's largest score first keeps every exp at most 1 (no overflow) and changes "
                              "no weight.",
                      true, parts.exps);
  ex.excluded = excluded;
  if (!empty) ex.facts.push_back({"max", parts.row_max});
  if (parts.has_sink) {
    ex.facts.push_back({"sink logit", parts.sink});
    ex.facts.push_back({"exp(sink − max)", parts.sink_exp});
  }
  ex.facts.push_back({"Σ exp", parts.denominator});
  add_key_runs(ex.spans, "scaled", excluded, keys, false, i, 0);

  WalkStage& sm = add(WalkStageKind::softmax, "softmax", "the softmax weights", "w_ij = e_ij / Σ_j e_ij",
                      parts.has_sink ? "Each exp divided by the sum; the sink takes its share, so the weights sum to less than 1."
                                     : "Each exp divided by the sum: the weights are positive and sum to 1.",
                      true, row_of(h.weights, i));
  sm.excluded = excluded;
  double total = 0;
  for (double w : sm.values) total += w;
  sm.facts.push_back({"Σ_j w_ij", total});
  add_key_runs(sm.spans, "weights", excluded, keys, false, i, 0);

  WalkStage& mix = add(WalkStageKind::mix, "mix", "the mix Σ_j w_ij·v_j", "out_i = Σ_j w_ij · v_j",
                       "Each value row v_j is scaled by its weight and the rows are added: a weighted average of the values.",
                       true, row_of(h.weights, i));
  mix.excluded = excluded;
  add_key_runs(mix.spans, "weights", excluded, keys, false, i, 0);
  add_key_runs(mix.spans, "v", excluded, keys, true, i, d_v);
  mix.spans.push_back({"out", i, i + 1, 0, d_v});

  WalkStage& out = add(WalkStageKind::head_output, "head_output", "the head's output row", "out_i (d_v numbers)",
                       "What this head passes on for token i.", false, row_of(h.output, i));
  out.spans.push_back({"out", i, i + 1, 0, d_v});

  WalkStage& cat = add(WalkStageKind::concat, "concat", "the concat of heads", "concat_i = [out_i of head 0, …, head h−1]",
                       "Every head's output row side by side; this head's part is outlined.", false, row_of(t.concat, i));
  cat.facts.push_back({"heads", static_cast<double>(s.heads)});
  cat.facts.push_back({"this head's first column", static_cast<double>(head * d_v)});
  cat.spans = {{"concat", i, i + 1, 0, static_cast<int>(t.concat.cols())}, {"concat", i, i + 1, head * d_v, (head + 1) * d_v}};

  WalkStage& o = add(WalkStageKind::output, "output", "W_O → the layer's output row", "output_i = concat_i · W_O + b_O",
                     "W_O mixes the heads back into d_model numbers: the layer's answer for token i.", false,
                     row_of(t.output, i));
  o.spans = {{"concat", i, i + 1, 0, static_cast<int>(t.concat.cols())},
             {"w_o", 0, static_cast<int>(s.w_o.rows()), 0, static_cast<int>(s.w_o.cols())},
             {"output", i, i + 1, 0, static_cast<int>(t.output.cols())}};
  return walk;
}

}  // namespace ap::core
