// Breakdowns of trace cells into their inputs (see breakdown.hpp). Each term is read from the trace or the
// scenario, so Σ a·b reproduces the trace's number up to the backend's own rounding.
#include "core/breakdown.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/positional.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

std::string at(int i) { return "[" + std::to_string(i) + "]"; }

bool in(const Matrix& m, int i, int j) { return i >= 0 && j >= 0 && i < m.rows() && j < m.cols(); }

// The column of the projection weights that gives coordinate c of a head's q or k after RoPE: the rotation
// mixes pair partners, so coordinate c = cos θ·(x·W)[a] ∓ sin θ·(x·W)[b] = x · (cos θ·W[:, a] ∓ sin θ·W[:, b]).
struct Mixed {
  int a = 0, b = 0;
  double ca = 1, cb = 0;  // coefficients of columns a and b
};

Mixed rope_mix(const Scenario& s, int position, int c) {
  Mixed mx{c, c, 1, 0};
  if (s.positional.kind != PositionalKind::rope) return mx;
  const int width = s.d_k, pairs = width / 2;
  const bool inter = s.positional.rope_pairing == RopePairing::interleaved;
  const int pair = inter ? c / 2 : c % pairs;
  const bool first = inter ? c % 2 == 0 : c < pairs;
  const int ia = inter ? 2 * pair : pair, ib = inter ? 2 * pair + 1 : pair + pairs;
  const double theta = rope_angle(position, pair, width, s.positional.rope_base);
  if (first) return {ia, ib, std::cos(theta), -std::sin(theta)};  // a' = a cos − b sin
  return {ia, ib, std::sin(theta), std::cos(theta)};              // b' = a sin + b cos
}

Breakdown projection(const Scenario& s, const Trace& t, const char* name, int head, int row, int c) {
  const bool query = name[0] == 'q', value = name[0] == 'v';
  const Matrix& in_rows = query || !s.context ? t.x_in : t.context_in;
  const Matrix& w = query ? s.w_q : name[0] == 'k' ? s.w_k : s.w_v;
  const RowVector& bias = query ? s.b_q : name[0] == 'k' ? s.b_k : s.b_v;
  const int width = value ? s.d_v : s.d_k;
  const HeadTrace& h = t.heads[static_cast<std::size_t>(head)];
  Breakdown b;
  b.value = (query ? h.q : name[0] == 'k' ? h.k : h.v)(row, c);
  const Mixed mx = value ? Mixed{c, c, 1, 0} : rope_mix(s, row, c);
  const int block = query ? head : s.kv_head_of(head);  // grouped-query attention: K and V heads are shared
  const int col_a = block * width + mx.a, col_b = block * width + mx.b;
  const std::string W = query ? "W_Q" : name[0] == 'k' ? "W_K" : "W_V";
  const std::string src = query || !s.context ? "x" : "context.x";
  b.formula = std::string(name) + at(head) + at(row) + at(c) + " = Σ_m " + src + at(row) + "[m]·" + W + "[m]" + at(col_a) +
              (mx.cb != 0 ? " (RoPE: the column mixes " + W + " columns " + std::to_string(col_a) + " and " + std::to_string(col_b) + ")" : "") +
              " + bias";
  for (int m = 0; m < s.d_model(); ++m) {
    const double weight = mx.ca * w(m, col_a) + (mx.cb != 0 ? mx.cb * w(m, col_b) : 0.0);
    b.terms.push_back({src + at(row) + at(m) + "·" + W + at(m) + at(col_a), in_rows(row, m), weight});
  }
  const double bias_term = mx.ca * bias(col_a) + (mx.cb != 0 ? mx.cb * bias(col_b) : 0.0);
  b.terms.push_back({std::string("b_") + name[0] + at(col_a), bias_term, 1.0});
  return b;
}

}  // namespace

TermSummary summarise_terms(const std::vector<BreakdownTerm>& terms, int keep) {
  TermSummary out;
  const int count = static_cast<int>(terms.size());
  std::vector<int> order(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) {
    order[static_cast<std::size_t>(k)] = k;
    out.total += terms[static_cast<std::size_t>(k)].a * terms[static_cast<std::size_t>(k)].b;
  }
  keep = std::max(0, keep);
  if (count <= keep) {
    out.shown = std::move(order);
    return out;
  }
  const auto size = [&](int k) {  // |a·b|, a NaN first (it explains the cell)
    const double p = terms[static_cast<std::size_t>(k)].a * terms[static_cast<std::size_t>(k)].b;
    return std::isnan(p) ? std::numeric_limits<double>::infinity() : std::fabs(p);
  };
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return size(x) > size(y); });
  out.shown.assign(order.begin(), order.begin() + keep);
  out.hidden = count - keep;
  for (int k = keep; k < count; ++k) {
    const auto& t = terms[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])];
    out.hidden_sum += t.a * t.b;
  }
  return out;
}

SoftmaxRowParts softmax_row_parts(const Scenario& s, const Trace& t, int head, int row) {
  // What the softmax saw (SPEC §1b): allowed cells' scaled scores, masked cells at the mask fill (none at −∞),
  // and the head's sink logit in the denominator only.
  const HeadTrace& h = t.heads.at(static_cast<std::size_t>(head));
  const HeadVariants<double> v = head_variants<double>(s, head);
  const int keys = static_cast<int>(h.scaled.cols());
  SoftmaxRowParts p;
  p.has_sink = v.has_sink;
  p.sink = v.sink;
  p.seen.resize(static_cast<std::size_t>(keys));
  p.exps.assign(static_cast<std::size_t>(keys), 0.0);
  double top = v.has_sink ? v.sink : -std::numeric_limits<double>::infinity();
  for (int key = 0; key < keys; ++key) {
    const double seen = t.allowed(row, key) ? h.scaled(row, key) : v.fill;
    p.seen[static_cast<std::size_t>(key)] = seen;
    top = std::max(top, seen);
  }
  p.row_max = top;
  if (top == -std::numeric_limits<double>::infinity()) return p;
  for (int key = 0; key < keys; ++key) {
    const double seen = p.seen[static_cast<std::size_t>(key)];
    if (seen == -std::numeric_limits<double>::infinity()) continue;
    p.exps[static_cast<std::size_t>(key)] = std::exp(seen - top);
    p.denominator += p.exps[static_cast<std::size_t>(key)];
  }
  if (v.has_sink) {
    p.sink_exp = std::exp(v.sink - top);
    p.denominator += p.sink_exp;
  }
  return p;
}

std::optional<Breakdown> explain_cell(const Scenario& s, const Trace& t, const std::string& id) {
  char name[16] = {};
  int a = -1, b = -1, c = -1;
  char tail = 0;
  const int three = std::sscanf(id.c_str(), "%15[a-z][%d][%d][%d]%c", name, &a, &b, &c, &tail);
  const std::string kind = name;
  if (kind == "output") {
    if (std::sscanf(id.c_str(), "output[%d][%d]%c", &a, &b, &tail) != 2 || !in(t.output, a, b)) return std::nullopt;
    Breakdown r;
    r.value = t.output(a, b);
    r.formula = "output" + at(a) + at(b) + " = Σ_k concat" + at(a) + "[k]·W_O[k]" + at(b) + " + b_O" + at(b);
    for (int k = 0; k < t.concat.cols(); ++k)
      r.terms.push_back({"concat" + at(a) + at(k) + "·W_O" + at(k) + at(b), t.concat(a, k), s.w_o(k, b)});
    r.terms.push_back({"b_o" + at(b), s.b_o(b), 1.0});
    return r;
  }
  if (three != 4 || a < 0 || a >= static_cast<int>(t.heads.size())) return std::nullopt;
  const HeadTrace& h = t.heads[static_cast<std::size_t>(a)];
  const int head = a, i = b, j = c;
  if (kind == "q" || kind == "k" || kind == "v") {
    const Matrix& m = kind == "q" ? h.q : kind == "k" ? h.k : h.v;
    if (!in(m, i, j)) return std::nullopt;
    return projection(s, t, kind.c_str(), head, i, j);
  }
  if (kind == "scores") {
    if (!in(h.scores, i, j)) return std::nullopt;
    Breakdown r;
    r.value = h.scores(i, j);
    r.formula = "scores" + at(head) + at(i) + at(j) + " = Σ_c q" + at(head) + at(i) + "[c]·k" + at(head) + at(j) + "[c]";
    for (int d = 0; d < h.q.cols(); ++d)
      r.terms.push_back({"q" + at(i) + at(d) + "·k" + at(j) + at(d), h.q(i, d), h.k(j, d)});
    return r;
  }
  if (kind == "out") {
    if (!in(h.output, i, j) || h.weights.size() == 0) return std::nullopt;
    Breakdown r;
    r.value = h.output(i, j);
    r.formula = "out" + at(head) + at(i) + at(j) + " = Σ_j weights" + at(head) + at(i) + "[j]·v" + at(head) + "[j]" + at(j);
    for (int key = 0; key < h.weights.cols(); ++key)
      r.terms.push_back({"w" + at(i) + at(key) + "·v" + at(key) + at(j), h.weights(i, key), h.v(key, j)});
    return r;
  }
  if (kind == "weights") {
    if (!in(h.weights, i, j)) return std::nullopt;
    const SoftmaxRowParts parts = softmax_row_parts(s, t, head, i);
    Breakdown r;
    r.value = h.weights(i, j);
    r.is_ratio = true;
    r.formula = "weights" + at(head) + at(i) + at(j) + " = exp(s" + at(i) + at(j) + " − max) / (Σ_j exp(s" + at(i) +
                "[j] − max)" + (parts.has_sink ? " + exp(sink − max)" : "") + "), s = the scaled scores the softmax saw";
    r.masked = !t.allowed(i, j);
    if (parts.row_max == -std::numeric_limits<double>::infinity()) return r;  // an empty row: 0 / 0 shown as 0
    for (int key = 0; key < h.scaled.cols(); ++key) {
      if (parts.seen[static_cast<std::size_t>(key)] == -std::numeric_limits<double>::infinity()) continue;  // no part of the sum
      r.denominator_terms.push_back({"exp(s" + at(i) + at(key) + " − max)", parts.exps[static_cast<std::size_t>(key)], 1.0});
    }
    if (parts.has_sink) r.denominator_terms.push_back({"exp(sink − max)", parts.sink_exp, 1.0});
    r.denominator = parts.denominator;
    r.logit = parts.seen[static_cast<std::size_t>(j)];
    r.row_max = parts.row_max;
    r.numerator = parts.exps[static_cast<std::size_t>(j)];
    return r;
  }
  return std::nullopt;
}

}  // namespace ap::core
