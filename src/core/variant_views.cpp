// The variant views' numbers (see variant_views.hpp), from the same definitions the kernels use
// (core/variants.hpp for ALiBi, core/score_mod.hpp for the scaled score).
#include "core/variant_views.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <tuple>

#include "core/score_mod.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double position_distance(int i, int offset, int j) { return std::abs(i + offset - j); }

}  // namespace

// ---- grouped-query attention

std::vector<KvGroup> kv_groups(const Scenario& s) {
  std::vector<KvGroup> groups(static_cast<std::size_t>(s.kv_heads()));
  for (int g = 0; g < s.kv_heads(); ++g) groups[static_cast<std::size_t>(g)].kv_head = g;
  for (int h = 0; h < s.heads; ++h) groups[static_cast<std::size_t>(s.kv_head_of(h))].query_heads.push_back(h);
  return groups;
}

std::vector<int> divisors(int n) {
  std::vector<int> out;
  for (int d = 1; d <= n; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

KvMemory kv_memory(const Scenario& s, int tokens, Precision p) {
  const std::size_t d = static_cast<std::size_t>(s.d_model()), width = static_cast<std::size_t>(s.d_k + s.d_v);
  const std::size_t g = static_cast<std::size_t>(s.kv_heads()), h = static_cast<std::size_t>(s.heads);
  KvMemory m;
  m.kv_weights = (d + 1) * g * width;  // W_K and W_V, and their biases
  m.textbook_kv_weights = (d + 1) * h * width;
  m.cache_bytes = kv_cache_bytes(tokens, s.kv_heads(), s.d_k, s.d_v, p);
  m.textbook_cache_bytes = kv_cache_bytes(tokens, s.heads, s.d_k, s.d_v, p);
  m.saved = 1.0 - static_cast<double>(g) / static_cast<double>(h);
  return m;
}

// ---- ALiBi

Matrix alibi_bias(const Scenario& s, int head) {
  const double slope = alibi_slopes(s.heads)[static_cast<std::size_t>(head)];
  const int offset = alibi_query_offset(s);
  Matrix bias(s.n(), s.m());
  for (int i = 0; i < s.n(); ++i)
    for (int j = 0; j < s.m(); ++j) bias(i, j) = -slope * position_distance(i, offset, j);
  return bias;
}

double mean_attention_distance(const Scenario& s, const Trace& t, int head) {
  const Matrix& w = t.heads[static_cast<std::size_t>(head)].weights;
  const int offset = alibi_query_offset(s);
  double total = 0;
  int rows = 0;
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    if (!t.allowed.row(i).any()) continue;
    double row = 0;
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      row += w(i, j) * position_distance(static_cast<int>(i), offset, static_cast<int>(j));
    total += row;
    ++rows;
  }
  return rows ? total / rows : 0.0;
}

// ---- soft-capping

double softcap_value(double cap, double x) { return cap * std::tanh(x / cap); }

std::vector<std::pair<double, double>> softcap_curve(double cap, double lo, double hi, int count) {
  std::vector<std::pair<double, double>> points;
  for (int k = 0; k < count; ++k) {
    const double x = count == 1 ? lo : lo + (hi - lo) * k / (count - 1);
    points.emplace_back(x, softcap_value(cap, x));
  }
  return points;
}

SoftcapRow softcap_row(const Scenario& s, const Trace& t, int head, int row) {
  const HeadTrace& ht = t.heads[static_cast<std::size_t>(head)];
  HeadProblem<double> p;  // the kernels' own scaled_score, with the cap and the rounding taken out
  p.scale = t.scale;
  p.variants = head_variants<double>(s, head);
  p.variants.softcap = 0;
  p.variants.precision.reset();
  SoftcapRow out;
  for (int j = 0; j < s.m(); ++j) {
    out.before.push_back(scaled_score(p, ht.scores(row, j), row, j));
    out.after.push_back(ht.scaled(row, j));
    out.allowed.push_back(t.allowed(row, j) != 0);
  }
  return out;
}

// ---- sinks

std::vector<double> sink_mass(const Scenario& s, const Trace& t, int head) {
  const Matrix& scaled = t.heads[static_cast<std::size_t>(head)].scaled;
  std::vector<double> mass(static_cast<std::size_t>(scaled.rows()), 0.0);
  if (!s.variants.sinks) return mass;
  const double sink = (*s.variants.sinks)(head), fill = s.mask_fill();
  for (Eigen::Index i = 0; i < scaled.rows(); ++i) {
    // the logits the softmax saw: allowed scaled scores, the fill elsewhere (−∞ drops out), and the sink
    std::vector<double> logits;
    for (Eigen::Index j = 0; j < scaled.cols(); ++j) {
      const double a = t.allowed(i, j) ? scaled(i, j) : fill;
      if (a != -std::numeric_limits<double>::infinity()) logits.push_back(a);
    }
    double top = sink;
    bool undefined = false;
    for (double a : logits) {
      if (std::isnan(a) || a == std::numeric_limits<double>::infinity()) undefined = true;
      else top = std::max(top, a);
    }
    if (undefined) {  // +∞ or NaN from an overflow upstream: the row has no defined softmax
      mass[static_cast<std::size_t>(i)] = nan;
      continue;
    }
    double sum = std::exp(sink - top);
    for (double a : logits) sum += std::exp(a - top);
    mass[static_cast<std::size_t>(i)] = std::exp(sink - top) / sum;
  }
  return mass;
}

// ---- mask fill

std::vector<int> fully_masked_rows(const AllowMatrix& allowed) {
  std::vector<int> rows;
  for (Eigen::Index i = 0; i < allowed.rows(); ++i)
    if (!allowed.row(i).any()) rows.push_back(static_cast<int>(i));
  return rows;
}

// ---- precision

namespace {

// Folds one matrix pair into a stage's error; `allowed` (or null) limits it to the cells the softmax saw.
void accumulate(StageError& e, double& largest_exact, const Matrix& approx, const Matrix& exact,
                const AllowMatrix* allowed) {
  if (approx.rows() != exact.rows() || approx.cols() != exact.cols()) return;
  for (Eigen::Index i = 0; i < exact.rows(); ++i)
    for (Eigen::Index j = 0; j < exact.cols(); ++j) {
      if (allowed && !(*allowed)(i, j)) continue;
      const double a = approx(i, j), x = exact(i, j);
      if (!std::isfinite(x)) continue;  // nothing to compare against
      ++e.cells;
      if (!std::isfinite(a)) {
        ++e.nonfinite;
        continue;
      }
      e.max_abs = std::max(e.max_abs, std::fabs(a - x));
      largest_exact = std::max(largest_exact, std::fabs(x));
    }
}

double digits_of(double relative) { return relative <= 0 ? 17.0 : std::clamp(-std::log10(relative), 0.0, 17.0); }

}  // namespace

std::vector<StageError> stage_errors(const Trace& approx, const Trace& exact) {
  using HeadMatrix = const Matrix HeadTrace::*;
  struct HeadStage {
    const char* name;
    HeadMatrix matrix;
    bool masked;
  };
  static const HeadStage head_stages[] = {
      {"q", &HeadTrace::q, false},           {"k", &HeadTrace::k, false},
      {"v", &HeadTrace::v, false},           {"scores", &HeadTrace::scores, true},
      {"scaled", &HeadTrace::scaled, true},  {"weights", &HeadTrace::weights, true},
      {"head output", &HeadTrace::output, false},
  };
  std::vector<StageError> out;
  const auto finish = [&](StageError e, double largest_exact) {
    e.relative = largest_exact > 0 ? e.max_abs / largest_exact : (e.max_abs > 0 ? 1.0 : 0.0);
    e.digits = digits_of(e.relative);
    out.push_back(std::move(e));
  };
  {
    StageError e{"x_in"};
    double largest = 0;
    accumulate(e, largest, approx.x_in, exact.x_in, nullptr);
    accumulate(e, largest, approx.context_in, exact.context_in, nullptr);
    finish(std::move(e), largest);
  }
  const std::size_t heads = std::min(approx.heads.size(), exact.heads.size());
  for (const HeadStage& stage : head_stages) {
    StageError e{stage.name};
    double largest = 0;
    for (std::size_t h = 0; h < heads; ++h)
      accumulate(e, largest, approx.heads[h].*stage.matrix, exact.heads[h].*stage.matrix,
                 stage.masked ? &exact.allowed : nullptr);
    finish(std::move(e), largest);
  }
  for (const auto& [name, a, x] : {std::tuple{"concat", &approx.concat, &exact.concat},
                                   std::tuple{"output", &approx.output, &exact.output}}) {
    StageError e{name};
    double largest = 0;
    accumulate(e, largest, *a, *x, nullptr);
    finish(std::move(e), largest);
  }
  return out;
}

Matrix correct_digits(const Matrix& approx, const Matrix& exact) {
  Matrix d(exact.rows(), exact.cols());
  for (Eigen::Index i = 0; i < exact.rows(); ++i)
    for (Eigen::Index j = 0; j < exact.cols(); ++j) {
      const double a = approx(i, j), x = exact(i, j);
      if (!std::isfinite(a)) d(i, j) = std::isfinite(x) ? nan : 17.0;  // exact overflowed too: nothing to lose
      else if (a == x) d(i, j) = 17.0;
      else if (x == 0 || !std::isfinite(x)) d(i, j) = 0.0;
      else d(i, j) = digits_of(std::fabs(a - x) / std::fabs(x));
    }
  return d;
}

// ---- non-finite cells

namespace {

// Where a matrix comes in the pipeline, so the first non-finite cell found is where the overflow began.
int pipeline_rank(const NonFiniteCell& c) {
  static const char* const order[] = {"x_in", "context_in", "q", "k", "v", "scores", "scaled", "weights"};
  for (int r = 0; r < 8; ++r)
    if (std::string(c.matrix) == order[r]) return r;
  if (std::string(c.matrix) == "output") return c.head >= 0 ? 8 : 10;
  return 9;  // concat
}

std::string stage_name(const NonFiniteCell& c) {
  return std::string(c.matrix) == "output" && c.head >= 0 ? "head output" : c.matrix;
}

double cell_value(const Trace& t, const NonFiniteCell& c) {
  const std::string m = c.matrix;
  if (c.head < 0) {
    const Matrix& x = m == "x_in" ? t.x_in : m == "context_in" ? t.context_in : m == "concat" ? t.concat : t.output;
    return x(c.row, c.col);
  }
  const HeadTrace& h = t.heads[static_cast<std::size_t>(c.head)];
  const Matrix& x = m == "q" ? h.q : m == "k" ? h.k : m == "v" ? h.v : m == "scores" ? h.scores
                  : m == "scaled" ? h.scaled : m == "weights" ? h.weights : h.output;
  return x(c.row, c.col);
}

}  // namespace

double largest_finite(const std::string& computed_in) {
  if (computed_in == "fp16") return max_finite(Precision::fp16);
  if (computed_in == "bf16") return max_finite(Precision::bf16);
  if (computed_in == "fp32" || computed_in == "float32") return max_finite(Precision::fp32);
  return std::numeric_limits<double>::max();
}

NonFiniteSummary summarize_nonfinite(const Trace& t) {
  NonFiniteSummary out;
  out.total = t.nonfinite.size();
  out.largest_finite = largest_finite(t.computed_in);
  if (t.nonfinite.empty()) return out;
  std::vector<std::size_t> counts(11, 0);
  std::vector<std::string> names(11);
  const NonFiniteCell* first = nullptr;
  for (const NonFiniteCell& c : t.nonfinite) {
    const int r = pipeline_rank(c);
    ++counts[static_cast<std::size_t>(r)];
    names[static_cast<std::size_t>(r)] = stage_name(c);
    if (!first || r < pipeline_rank(*first)) first = &c;
  }
  for (std::size_t r = 0; r < counts.size(); ++r)
    if (counts[r]) out.per_matrix.emplace_back(names[r], counts[r]);
  out.origin = *first;
  out.origin_value = cell_value(t, *first);
  return out;
}

// ---- KV-cache decoding

double decode_row_difference(const DecodeStep& step, const Trace& t) {
  double most = 0;
  const auto compare = [&](double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return;
    most = std::max(most, a == b ? 0.0 : std::isnan(a - b) ? std::numeric_limits<double>::infinity() : std::fabs(a - b));
  };
  for (std::size_t h = 0; h < step.weights.size() && h < t.heads.size(); ++h) {
    const HeadTrace& ht = t.heads[h];
    if (ht.weights.size() > 0)
      for (int j = 0; j <= step.t; ++j) compare(step.weights[h][static_cast<std::size_t>(j)], ht.weights(step.t, j));
    for (std::size_t c = 0; c < step.head_out[h].size(); ++c)
      compare(step.head_out[h][c], ht.output(step.t, static_cast<Eigen::Index>(c)));
  }
  for (std::size_t c = 0; c < step.output.size(); ++c) compare(step.output[c], t.output(step.t, static_cast<Eigen::Index>(c)));
  return most;
}

DecodeWork decode_work_total(const Scenario& s, int t) {
  DecodeWork total;
  for (int k = 0; k <= t; ++k) {
    const DecodeWork w = decode_work(s, k);
    total.cached += w.cached;
    total.recompute += w.recompute;
  }
  return total;
}

// ---- second traces in a view

double layer_multiply_adds(const Scenario& s) {
  const double n = s.n(), m = s.m(), d = s.d_model(), h = s.heads, g = s.kv_heads(), dk = s.d_k, dv = s.d_v;
  return n * d * h * dk + m * d * g * (dk + dv) + h * n * m * (dk + dv) + n * h * dv * d;
}

bool side_trace_affordable(const Scenario& s) { return layer_multiply_adds(s) <= side_trace_budget; }

}  // namespace ap::core
