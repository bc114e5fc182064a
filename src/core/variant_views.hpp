// The numbers the playground's variant views show (SPEC §1b), derived from a scenario and its trace: the K/V head
// groups of grouped-query attention and the memory they save, ALiBi's bias and how far each head looks, the
// soft-cap curve and a row's scores before and after it, the mass each row gives its sink, fully masked rows,
// the precision lab's error per stage, where non-finite cells began, the KV-cache decoder's check against the
// trace, and the size up to which a view may compute a second trace in a frame. Pure functions; no UI, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kv_cache.hpp"
#include "core/precision.hpp"
#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::core {

// ---- grouped-query attention

struct KvGroup {
  int kv_head = 0;
  std::vector<int> query_heads;  // the query heads that use this K/V head (⌊i·g / h⌋ = kv_head)
};
std::vector<KvGroup> kv_groups(const Scenario& s);

// The divisors of n in increasing order (the kv_heads a scenario with n heads may have).
std::vector<int> divisors(int n);

struct KvMemory {
  std::size_t kv_weights = 0, textbook_kv_weights = 0;  // numbers in W_K, W_V, b_K, b_V: this layer, and with g = h
  std::size_t cache_bytes = 0, textbook_cache_bytes = 0;  // one layer's KV cache of `tokens` tokens in the format
  double saved = 0;  // 1 − g/h: the share of both that g K/V heads save against h
};
KvMemory kv_memory(const Scenario& s, int tokens, Precision p);

// ---- ALiBi

// N × M: the bias ALiBi adds (or would add, were it on) to head `head`'s scaled scores, −m_head·|p_q − p_k|.
Matrix alibi_bias(const Scenario& s, int head);
// Σ_j w_ij·|p_q − p_k| averaged over the rows with an allowed key: how far back the head looks, in positions
// (p_q = i + alibi_query_offset). NaN when a row's weights are.
double mean_attention_distance(const Scenario& s, const Trace& t, int head);

// ---- soft-capping

double softcap_value(double cap, double x);  // cap·tanh(x / cap)
// `count` points (x, cap·tanh(x / cap)) for x evenly from lo to hi: the curve the view draws.
std::vector<std::pair<double, double>> softcap_curve(double cap, double lo, double hi, int count);
// One query row's scaled scores before the cap (scale·score + ALiBi) and after it (the trace's scaled).
struct SoftcapRow {
  std::vector<double> before, after;
  std::vector<bool> allowed;
};
SoftcapRow softcap_row(const Scenario& s, const Trace& t, int head, int row);

// ---- sinks

// Per query row, the share of the softmax the head's sink takes: e^(s − m) / (e^(s − m) + Σ_j e^(a_j − m)) over the
// scaled scores (masked keys count with a finite fill). 1 for a row with no allowed key (all of it: its weights are
// zero), NaN for a row whose softmax is undefined, 0 everywhere without sinks.
std::vector<double> sink_mass(const Scenario& s, const Trace& t, int head);

// ---- mask fill

// Query rows with no allowed key (whatever the fill: with a finite fill they are not empty_rows).
std::vector<int> fully_masked_rows(const AllowMatrix& allowed);

// ---- precision

// The error of one stage of `approx` (a trace at a precision) against `exact` (the same layer in double).
struct StageError {
  std::string stage;         // "x_in", "q", "k", "v", "scores", "scaled", "weights", "head output", "concat", "output"
  std::size_t cells = 0;     // compared
  std::size_t nonfinite = 0; // cells ±∞ or NaN in approx where exact is finite (an overflow, or what came of one)
  double max_abs = 0;        // largest |approx − exact| over the other cells
  double relative = 0;       // max_abs / largest |exact|: the stage's error relative to its size
  double digits = 0;         // −log10(relative), at most 17: correct significant digits
};
// Every stage of the pipeline in order; per-head stages over the heads both traces record (allowed cells only
// for scores, scaled and weights).
std::vector<StageError> stage_errors(const Trace& approx, const Trace& exact);
// Per cell, the correct significant digits of approx against exact: −log10(|a − e| / |e|) within [0, 17] (17 when
// equal, 0 when e = 0 ≠ a); NaN where approx is not finite and exact is.
Matrix correct_digits(const Matrix& approx, const Matrix& exact);

// ---- non-finite cells (SPEC §1b: listed and explained, never hidden)

struct NonFiniteSummary {
  std::size_t total = 0;
  std::vector<std::pair<std::string, std::size_t>> per_matrix;  // ("scores", 3), in pipeline order
  std::optional<NonFiniteCell> origin;  // the earliest cell in pipeline order: where the overflow began
  double origin_value = 0;              // its value (±∞ or NaN)
  double largest_finite = 0;            // of the arithmetic the trace was computed in (65504 for fp16)
};
NonFiniteSummary summarize_nonfinite(const Trace& t);
// The largest finite number of Trace::computed_in: 1.8e308 for "float64", 3.4e38 for "float32" / "fp32" / "bf16"
// (bf16: 3.39e38), 65504 for "fp16".
double largest_finite(const std::string& computed_in);

// ---- KV-cache decoding

// The largest |difference| between a decode step and row step.t of the full computation: each recorded head's
// weights (keys 0..t; the trace's later keys are masked) and head output, and the layer's output row.
double decode_row_difference(const DecodeStep& step, const Trace& t);
// decode_work summed over the steps 0..t: the whole decode so far, with the cache and recomputing every step.
DecodeWork decode_work_total(const Scenario& s, int t);

// ---- second traces in a view

// Multiply-adds of one computation of the layer: projections, every head's scores and weights · V, W_O.
double layer_multiply_adds(const Scenario& s);
// A view may compute the layer once more within a frame (the reference, in double) up to this many multiply-adds.
inline constexpr double side_trace_budget = 2e6;
bool side_trace_affordable(const Scenario& s);

}  // namespace ap::core
