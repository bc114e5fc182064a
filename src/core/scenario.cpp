// Scenario defaults and whole-scenario validation (shapes and limits), shared by every input path.
#include "core/scenario.hpp"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/limits.hpp"

namespace ap::core {

double Scale::factor(int d_k) const {
  switch (kind) {
    case ScaleKind::inv_sqrt_dk: return 1.0 / std::sqrt(static_cast<double>(d_k));
    case ScaleKind::none: return 1.0;
    case ScaleKind::multiplier: return multiplier;
  }
  return 1.0;
}

double Scenario::mask_fill() const {
  return variants.mask_fill.value_or(-std::numeric_limits<double>::infinity());
}

Matrix identity_like(int rows, int cols) {
  Matrix m = Matrix::Zero(rows, cols);
  for (int i = 0; i < std::min(rows, cols); ++i) m(i, i) = 1.0;
  return m;
}

std::vector<std::string> default_token_labels(int count) {
  std::vector<std::string> labels;
  labels.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) labels.push_back("t" + std::to_string(i));
  return labels;
}

Scenario make_scenario(Matrix x, int heads) {
  Scenario s;
  const int d_model = static_cast<int>(x.cols());
  s.query.tokens = default_token_labels(static_cast<int>(x.rows()));
  s.query.x = std::move(x);
  s.heads = heads;
  s.d_k = d_model / heads;
  s.d_v = s.d_k;
  s.w_q = identity_like(d_model, heads * s.d_k);
  s.w_k = identity_like(d_model, heads * s.d_k);
  s.w_v = identity_like(d_model, heads * s.d_v);
  s.w_o = identity_like(heads * s.d_v, d_model);
  s.b_q = RowVector::Zero(heads * s.d_k);
  s.b_k = RowVector::Zero(heads * s.d_k);
  s.b_v = RowVector::Zero(heads * s.d_v);
  s.b_o = RowVector::Zero(d_model);
  return s;
}

namespace {

// A double as a person writes it: "1", "0.5", "1e+300" (shortest form that reads back exactly).
std::string number_text(double v) {
  std::ostringstream text;
  text << std::setprecision(17) << v;
  std::ostringstream shorter;
  shorter << v;
  std::istringstream back(shorter.str());
  double read = 0;
  back >> read;  // no std::stod: it throws for subnormals
  return !back.fail() && read == v ? shorter.str() : text.str();
}

std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + " × " + std::to_string(cols);
}

void expect_shape(const char* field, const Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols)
    throw InputError(field, "expected " + shape(rows, cols) + ", got " + shape(m.rows(), m.cols()));
}

void expect_width(const char* field, const RowVector& v, Eigen::Index width) {
  if (v.cols() != width)
    throw InputError(field, "expected " + std::to_string(width) + " numbers, got " + std::to_string(v.cols()));
}

void expect_finite(const char* field, const Matrix& m) {
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw InputError(std::string(field) + "[" + std::to_string(i) + "][" + std::to_string(j) + "]",
                         "expected a finite number");
}

void expect_finite(const char* field, const RowVector& v) {
  for (Eigen::Index j = 0; j < v.cols(); ++j)
    if (!std::isfinite(v(j)))
      throw InputError(std::string(field) + "[" + std::to_string(j) + "]", "expected a finite number");
}

constexpr double float_max = 3.4028234663852886e38;  // every backend but the reference computes in float

// SPEC §1b's fields that need no shape of their own beyond heads (kv_heads is checked with the weights).
void validate_variants(const Scenario& s) {
  const Variants& v = s.variants;
  if (v.softcap && !(std::isfinite(*v.softcap) && *v.softcap > 0 && *v.softcap <= float_max))
    throw InputError("softcap", "expected a number greater than 0 and at most 3.4e38 (float's range), got " +
                                    number_text(*v.softcap));
  if (v.sinks) {
    if (v.sinks->cols() != s.heads)
      throw InputError("sinks", "expected " + std::to_string(s.heads) + (s.heads == 1 ? " number" : " numbers") +
                                    " (one sink logit per head), got " + std::to_string(v.sinks->cols()));
    for (Eigen::Index h = 0; h < v.sinks->cols(); ++h)
      if (!std::isfinite((*v.sinks)(h)) || std::fabs((*v.sinks)(h)) > float_max)
        throw InputError("sinks[" + std::to_string(h) + "]", "expected a finite number within float's range (±3.4e38), got " +
                                                              number_text((*v.sinks)(h)));
  }
  if (v.mask_fill) {
    const double f = *v.mask_fill;
    const bool minus_infinity = f == -std::numeric_limits<double>::infinity();
    if (!minus_infinity && !(std::isfinite(f) && std::fabs(f) <= float_max))
      throw InputError("mask_fill", "expected \"-inf\" or a finite number within float's range (±3.4e38), got " +
                                        number_text(f));
  }
}

void validate_sequence(const char* field, const char* tokens_field, const Sequence& seq, int d_model) {
  if (seq.x.rows() < 1) throw InputError(field, "needs at least one token (row)");
  if (seq.x.rows() > limits::max_tokens)
    throw InputError(field, std::to_string(seq.x.rows()) + " tokens exceed the limit of " +
                                std::to_string(limits::max_tokens));
  if (seq.x.cols() != d_model)
    throw InputError(field, "expected rows of " + std::to_string(d_model) + " numbers (d_model), got " +
                                std::to_string(seq.x.cols()));
  if (seq.tokens.size() != static_cast<std::size_t>(seq.x.rows()))
    throw InputError(tokens_field, "expected " + std::to_string(seq.x.rows()) +
                                       (seq.x.rows() == 1 ? " label" : " labels") + " (one per row of " + field + "), got " +
                                       std::to_string(seq.tokens.size()));
  expect_finite(field, seq.x);
}

}  // namespace

void validate_scenario(const Scenario& s) {
  const int d_model = s.d_model();
  if (d_model < 1) throw InputError("x", "rows need at least one number (d_model ≥ 1)");
  if (d_model > limits::max_d_model)
    throw InputError("x", "d_model " + std::to_string(d_model) + " exceeds the limit of " +
                              std::to_string(limits::max_d_model));
  validate_sequence("x", "tokens", s.query, d_model);
  if (s.context) validate_sequence("context.x", "context.tokens", *s.context, d_model);
  validate_dimensions(s.n(), s.m(), d_model, s.heads, s.d_k, s.d_v);
  validate_kv_heads(s.heads, s.variants.kv_heads);

  const int g = s.kv_heads();
  const int hk = s.heads * s.d_k, hv = s.heads * s.d_v, gk = g * s.d_k, gv = g * s.d_v;
  expect_shape("w_q", s.w_q, d_model, hk);
  expect_shape("w_k", s.w_k, d_model, gk);
  expect_shape("w_v", s.w_v, d_model, gv);
  expect_shape("w_o", s.w_o, hv, d_model);
  expect_width("b_q", s.b_q, hk);
  expect_width("b_k", s.b_k, gk);
  expect_width("b_v", s.b_v, gv);
  expect_width("b_o", s.b_o, d_model);
  expect_finite("w_q", s.w_q);
  expect_finite("w_k", s.w_k);
  expect_finite("w_v", s.w_v);
  expect_finite("w_o", s.w_o);
  expect_finite("b_q", s.b_q);
  expect_finite("b_k", s.b_k);
  expect_finite("b_v", s.b_v);
  expect_finite("b_o", s.b_o);

  if (s.d_output) {
    expect_shape("d_output", *s.d_output, s.n(), d_model);
    expect_finite("d_output", *s.d_output);
  }

  if (s.scale.kind == ScaleKind::multiplier && !std::isfinite(s.scale.multiplier))
    throw InputError("scale", "expected a finite multiplier");

  const MaskSpec& mask = s.mask;
  if (mask.window < 0) throw InputError("mask.window", "expected a window of at least 1 key");
  if (mask.window > 0 && mask.causal == CausalAlign::none)
    throw InputError("mask.window", "a window needs a causal alignment");
  if (mask.allow) {
    if (mask.allow->rows() != s.n() || mask.allow->cols() != s.m())
      throw InputError("mask.allow", "expected " + shape(s.n(), s.m()) + " (queries × keys), got " +
                                         shape(mask.allow->rows(), mask.allow->cols()));
  }
  if (mask.key_valid && mask.key_valid->size() != static_cast<std::size_t>(s.m()))
    throw InputError("mask.key_valid", "expected " + std::to_string(s.m()) + " entries (one per key), got " +
                                           std::to_string(mask.key_valid->size()));

  const Positional& pos = s.positional;
  if (pos.kind == PositionalKind::learned) {
    const int needed = std::max(s.n(), s.m());
    if (pos.learned.cols() != d_model || pos.learned.rows() < needed)
      throw InputError("positional.learned", "expected at least " + shape(needed, d_model) +
                                                 " (positions × d_model), got " +
                                                 shape(pos.learned.rows(), pos.learned.cols()));
    expect_finite("positional.learned", pos.learned);
  }
  if (pos.kind == PositionalKind::rope) {
    if (s.d_k % 2 != 0)
      throw InputError("positional", "RoPE turns pairs of coordinates, so d_k must be even (d_k = " +
                                         std::to_string(s.d_k) + ")");
    if (!(pos.rope_base > 1.0) || !std::isfinite(pos.rope_base))
      throw InputError("positional.rope.base", "expected a finite base greater than 1, got " + number_text(pos.rope_base));
  }
  validate_variants(s);
}

void validate_kv_heads(int heads, std::optional<int> kv_heads) {
  if (!kv_heads) return;
  if (*kv_heads < 1 || *kv_heads > heads)
    throw InputError("kv_heads", "expected 1 to heads (" + std::to_string(heads) + "), got " + std::to_string(*kv_heads));
  if (heads % *kv_heads != 0)
    throw InputError("kv_heads", std::to_string(*kv_heads) + " key/value heads do not divide heads " +
                                     std::to_string(heads) + " (each K/V head serves heads / kv_heads query heads)");
}

void validate_dimensions(int n, int m, int d_model, int heads, int d_k, int d_v) {
  if (heads < 1 || heads > limits::max_heads)
    throw InputError("heads", "expected 1 to " + std::to_string(limits::max_heads) + ", got " + std::to_string(heads));
  if (d_k < 1 || d_k > limits::max_head_width)
    throw InputError("d_k", "expected 1 to " + std::to_string(limits::max_head_width) + ", got " + std::to_string(d_k));
  if (d_v < 1 || d_v > limits::max_head_width)
    throw InputError("d_v", "expected 1 to " + std::to_string(limits::max_head_width) + ", got " + std::to_string(d_v));
  const auto weight = [&](const char* field, std::size_t rows, std::size_t cols, const char* meaning) {
    if (rows * cols > limits::max_weight_elements)
      throw InputError(field, shape(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols)) + " (" + meaning +
                                  ") exceeds the limit of " + std::to_string(limits::max_weight_elements) + " numbers");
  };
  const std::size_t dm = static_cast<std::size_t>(d_model);
  weight("w_q", dm, static_cast<std::size_t>(heads) * d_k, "d_model × heads·d_k");
  weight("w_v", dm, static_cast<std::size_t>(heads) * d_v, "d_model × heads·d_v");
  // What the page records at most: q, k, v and output of every head, and the N × M scores, scaled and weights of
  // every head of a small layer or of the one head on screen of a large one (core/trace_job.hpp).
  const std::size_t nm = static_cast<std::size_t>(n) * m;
  const std::size_t per_head = static_cast<std::size_t>(n) * d_k + static_cast<std::size_t>(m) * (d_k + d_v) +
                               static_cast<std::size_t>(n) * d_v;
  const bool all_heads = static_cast<long long>(heads) * static_cast<long long>(nm) <= limits::record_all_heads_cells;
  const std::size_t total = per_head * heads + 3 * nm * (all_heads ? heads : 1) +
                            static_cast<std::size_t>(n) * (2 * dm + heads * d_v);
  if (total > limits::max_trace_elements)
    throw InputError("", "this scenario's trace would hold " + std::to_string(total) + " numbers, over the limit of " +
                             std::to_string(limits::max_trace_elements) + " (fewer tokens or heads)");
}

}  // namespace ap::core

namespace ap::core {

std::size_t full_trace_elements(const Scenario& s) {
  const std::size_t n = s.n(), m = s.m(), h = s.heads;
  return h * (n * s.d_k + m * (s.d_k + s.d_v) + 3 * n * m + n * s.d_v) + n * (2 * s.d_model() + h * s.d_v);
}

void check_full_trace(const Scenario& s) {
  const std::size_t total = full_trace_elements(s);
  if (total > limits::max_trace_elements)
    throw InputError("", "the full trace (every head's N × M matrices) would hold " + std::to_string(total) +
                             " numbers, over the limit of " + std::to_string(limits::max_trace_elements) +
                             " (the playground records only the heads it shows; fewer tokens or heads here)");
}

}  // namespace ap::core
