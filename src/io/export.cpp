// CSV and "copy as PyTorch". The script is written section by section in SPEC §1's step order, and only
// the sections a scenario uses appear in it (no mask code for "none", no RoPE function without RoPE).
//
// [SECTION] numbers
// [SECTION] CSV
// [SECTION] PyTorch script
#include "io/export.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/number_text.hpp"

namespace ap::io {

// [SECTION] numbers -----------------------------------------------------------------------------------

std::string format_double(double value) { return core::number_text(value); }

namespace {

// A Python float literal: always with '.' or an exponent, so 1 reads as 1.0 and -0 keeps its sign.
std::string py_float(double v) {
  std::string s = format_double(v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

// [SECTION] CSV ---------------------------------------------------------------------------------------

std::string matrix_to_csv(const core::Matrix& matrix) {
  std::string out;
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
      if (j) out += ',';
      out += format_double(matrix(i, j));
    }
    out += '\n';
  }
  return out;
}

// [SECTION] PyTorch script ----------------------------------------------------------------------------

namespace {

std::string py_string(const std::string& s) {
  // JSON's escapes (\" \\ \n \uXXXX) are Python's too; ASCII-only output survives any source encoding.
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

std::string py_strings(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t k = 0; k < items.size(); ++k) s += (k ? ", " : "") + py_string(items[k]);
  return s + "]";
}

template <class Row>
std::string py_row(const Row& row) {
  std::string s = "[";
  for (Eigen::Index j = 0; j < row.size(); ++j) s += (j ? ", " : "") + py_float(row(j));
  return s + "]";
}

// name = f64([  # comment
//     [..],
// ])
std::string py_matrix(const std::string& name, const core::Matrix& m, const std::string& comment) {
  std::string s = name + " = f64([  # " + comment + "\n";
  for (Eigen::Index i = 0; i < m.rows(); ++i) s += "    " + py_row(m.row(i)) + ",\n";
  return s + "])\n";
}

// "heads·d_k" (as comments write it) → "heads * d_k" (as Python computes it).
std::string py_size(std::string size) {
  const std::string dot = "·";
  for (std::size_t at = size.find(dot); at != std::string::npos; at = size.find(dot, at)) size.replace(at, dot.size(), " * ");
  return size;
}

std::string py_weight(const std::string& name, const core::Matrix& w, const std::string& rows, const std::string& cols) {
  const std::string shape = rows + " × " + cols;
  if (w == core::identity_like(static_cast<int>(w.rows()), static_cast<int>(w.cols())))
    return name + " = torch.eye(" + py_size(rows) + ", " + py_size(cols) + ", dtype=torch.float64)  # " + shape +
           ", identity-like (the default)\n";
  return py_matrix(name, w, shape);
}

std::string py_bias(const std::string& name, const core::RowVector& b, const std::string& width) {
  if ((b.array() == 0.0).all())
    return name + " = torch.zeros(" + py_size(width) + ", dtype=torch.float64)  # " + width + ", zero (the default)\n";
  return name + " = f64(" + py_row(b) + ")  # " + width + "\n";
}

std::string py_flags_matrix(const core::AllowMatrix& a) {
  std::string s = "torch.tensor([\n";
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    s += "    [";
    for (Eigen::Index j = 0; j < a.cols(); ++j) s += (j ? ", " : "") + std::to_string(static_cast<int>(a(i, j)));
    s += "],\n";
  }
  return s + "])";
}

std::string py_flags(const std::vector<std::uint8_t>& v) {
  std::string s = "torch.tensor([";
  for (std::size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + std::to_string(static_cast<int>(v[k]));
  return s + "])";
}

const char* script_head = R"(#!/usr/bin/env python3
# An Attention Playground scenario, rebuilt with PyTorch (float64) and computed step by step as the
# playground computes it: positional encoding, projections, RoPE, scaled and masked scores, softmax,
# weighted sum of the values, output projection. Prints the output (N × d_model) as JSON.
# Row-vector convention: a token is a row, Q = X · W_q + b_q.
import json
import math

import torch


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


)";

const char* sinusoidal_function = R"(

def sinusoidal(positions, width):
    """positions × width: PE[p, 2i] = sin(p / 10000^(2i / width)), PE[p, 2i + 1] = cos(the same angle)."""
    p = torch.arange(positions, dtype=torch.float64)[:, None]
    c = torch.arange(width)
    angle = p / 10000.0 ** ((c - c % 2).to(torch.float64) / width)
    return torch.where(c % 2 == 0, torch.sin(angle), torch.cos(angle))


)";

const char* rope_function_head = R"(

def rope(t, base):
    """Turns row p of t (positions × d_k) by its position p: pair i by the angle p · base^(-2i / d_k)."""
    half = t.shape[1] // 2
    i = torch.arange(half, dtype=torch.float64)
    theta = torch.arange(t.shape[0], dtype=torch.float64)[:, None] * base ** (-2.0 * i / t.shape[1])
    cos, sin = torch.cos(theta).to(t.dtype), torch.sin(theta).to(t.dtype)
)";

const char* alibi_function = R"(

def alibi_slopes(n):
    """ALiBi's head slopes, as Press et al.'s reference code computes them (n not a power of two included)."""
    def power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start * start ** i for i in range(n)]
    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + alibi_slopes(2 * closest)[0::2][: n - closest]


)";

const char* rope_interleaved = R"(    a, b = t[:, 0::2], t[:, 1::2]  # interleaved pairs (2i, 2i + 1)
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=2).flatten(1)


)";

const char* rope_half = R"(    a, b = t[:, :half], t[:, half:]  # "half" pairs (i, i + d_k / 2)
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=1)


)";

}  // namespace

std::string scenario_to_torch_script(const core::Scenario& s) {
  using core::CausalAlign;
  using core::PositionalKind;
  const bool cross = s.context.has_value();
  const core::Variants& var = s.variants;
  const bool grouped = var.kv_heads.has_value();
  const std::string kv_k = grouped ? "kv_heads·d_k" : "heads·d_k", kv_v = grouped ? "kv_heads·d_v" : "heads·d_v";
  // the precision's rounding points, written as calls of fmt() (nothing at all without a precision)
  const bool rounded = var.precision.has_value();
  const auto fmt = [&](const std::string& e) { return rounded ? "fmt(" + e + ")" : e; };
  std::string py = script_head;
  if (rounded) {
    const std::string name = core::precision_name(*var.precision);
    py += "# precision " + name + ": a model that stores every value in " + name +
          ". Emulated in float32 (torch 1.13 has no\n"
          "# fp16 matmul on the CPU): each product accumulates in float32 and its result is rounded to " + name + ".\n";
    if (*var.precision == core::Precision::fp32)
      py += "def fmt(t):\n    return t.to(torch.float32)\n\n\n";
    else
      py += "def fmt(t):\n    return t.to(torch.float32).to(torch." +
            std::string(*var.precision == core::Precision::fp16 ? "float16" : "bfloat16") + ").to(torch.float32)\n\n\n";
  }

  py += "# the scenario\n";
  py += "tokens = " + py_strings(s.query.tokens) + "\n";
  py += py_matrix("x", s.query.x, "N × d_model: the query-side tokens, one per row");
  if (cross) {
    py += "context_tokens = " + py_strings(s.context->tokens) + "\n";
    py += py_matrix("context", s.context->x, "M × d_model: the keys' and values' source (cross-attention)");
  }
  py += "N, M, d_model = " + std::to_string(s.n()) + ", " + std::to_string(s.m()) + ", " + std::to_string(s.d_model()) +
        (cross ? "\n" : "  # self-attention: M = N\n");
  py += "heads, d_k, d_v = " + std::to_string(s.heads) + ", " + std::to_string(s.d_k) + ", " + std::to_string(s.d_v) + "\n";
  if (grouped)
    py += "kv_heads = " + std::to_string(s.kv_heads()) + "  # grouped-query attention: query head h uses K/V head h * kv_heads // heads\n";
  py += py_weight("w_q", s.w_q, "d_model", "heads·d_k");
  py += py_weight("w_k", s.w_k, "d_model", kv_k);
  py += py_weight("w_v", s.w_v, "d_model", kv_v);
  py += py_weight("w_o", s.w_o, "heads·d_v", "d_model");
  py += py_bias("b_q", s.b_q, "heads·d_k");
  py += py_bias("b_k", s.b_k, kv_k);
  py += py_bias("b_v", s.b_v, kv_v);
  py += py_bias("b_o", s.b_o, "d_model");
  switch (s.scale.kind) {
    case core::ScaleKind::inv_sqrt_dk: py += "scale = 1 / math.sqrt(d_k)  # \"inv_sqrt_dk\"\n"; break;
    case core::ScaleKind::none: py += "scale = 1.0  # \"none\"\n"; break;
    case core::ScaleKind::multiplier: py += "scale = " + py_float(s.scale.multiplier) + "\n"; break;
  }

  // step 1: additive positions, each sequence by its own positions
  const auto kind = s.positional.kind;
  if (kind == PositionalKind::sinusoidal) {
    py += sinusoidal_function;
    py += "# 1. sinusoidal positions added to the inputs, each sequence by its own positions\n";
    py += "x = x + sinusoidal(N, d_model)\n";
    if (cross) py += "context = context + sinusoidal(M, d_model)\n";
  } else if (kind == PositionalKind::learned) {
    py += "\n# 1. learned positions: row p of the table is added to the token at position p\n";
    py += py_matrix("learned", s.positional.learned, "positions × d_model");
    py += "x = x + learned[:N]\n";
    if (cross) py += "context = context + learned[:M]\n";
  }
  if (rounded) {
    py += "\n# the inputs as the model stores them: x (after additive positions), every weight and bias\n";
    py += "x = fmt(x)\n";
    if (cross) py += "context = fmt(context)\n";
    py += "w_q, w_k, w_v, w_o = fmt(w_q), fmt(w_k), fmt(w_v), fmt(w_o)\n";
    py += "b_q, b_k, b_v, b_o = fmt(b_q), fmt(b_k), fmt(b_v), fmt(b_o)\n";
  }
  if (!cross) py += "context = x  # self-attention: keys and values come from x\n";

  // step 2: projections
  py += "\n# 2. projections\n";
  py += "q = x @ w_q + b_q  # N × heads·d_k\n";
  py += "k = context @ w_k + b_k  # M × " + kv_k + "\n";
  py += "v = " + fmt("context @ w_v + b_v") + "  # M × " + kv_v + "\n";

  // step 3: RoPE
  if (kind == PositionalKind::rope) {
    py += rope_function_head;
    py += s.positional.rope_pairing == core::RopePairing::interleaved ? rope_interleaved : rope_half;
    py += "# 3. RoPE: each head's q and k rows turned by their own positions\n";
    py += "base = " + py_float(s.positional.rope_base) + "\n";
    py += "q = torch.cat([rope(q[:, h * d_k:(h + 1) * d_k], base) for h in range(heads)], dim=1)\n";
    py += std::string("k = torch.cat([rope(k[:, h * d_k:(h + 1) * d_k], base) for h in range(") +
          (grouped ? "kv_heads" : "heads") + ")], dim=1)\n";
  }
  if (rounded) py += "q, k = fmt(q), fmt(k)  # rounded after RoPE\n";

  // the mask, as one N × M boolean matrix
  const core::MaskSpec& mask = s.mask;
  const bool masked = !mask.is_none();
  if (masked) {
    py += "\n# the mask: allowed[i, j] is True where query i may attend key j (N × M); its parts are ANDed\n";
    py += "i = torch.arange(N)[:, None]\n";
    py += "j = torch.arange(M)[None, :]\n";
    py += "allowed = torch.ones(N, M, dtype=torch.bool)\n";
    if (mask.causal != CausalAlign::none) {
      if (mask.causal == CausalAlign::bottom_right)
        py += "offset = M - N  # causal, bottom-right aligned: query i sees keys j <= i + (M - N)\n";
      else
        py += "offset = 0  # causal, top-left aligned: query i sees keys j <= i\n";
      py += "allowed &= j <= i + offset\n";
      if (mask.window > 0)
        py += "allowed &= j > i + offset - " + std::to_string(mask.window) + "  # a window of " +
              std::to_string(mask.window) + (mask.window == 1 ? " key" : " keys") + "\n";
    }
    if (mask.allow) py += "allowed &= " + py_flags_matrix(*mask.allow) + " != 0  # allow: 1 = may attend\n";
    if (mask.key_valid) py += "allowed &= " + py_flags(*mask.key_valid) + "[None, :] != 0  # key_valid: 1 = a real key\n";
  }

  // SPEC §1b: what the scores go through before the softmax
  const bool finite_fill = var.mask_fill && std::isfinite(*var.mask_fill);
  if (var.alibi) {
    py += alibi_function;
    py += "# ALiBi: head h adds -slope_h · |p_q - p_k| to its scaled scores\n";
    py += "slopes = alibi_slopes(heads)\n";
    py += s.mask.causal == CausalAlign::bottom_right ? "query_offset = M - N  # bottom-right alignment: p_q = i + M - N\n"
                                                     : "query_offset = 0  # p_q = i\n";
    py += "distance = (torch.arange(N)[:, None] + query_offset - torch.arange(M)[None, :]).abs()  # N × M\n";
  }
  if (var.softcap) py += "softcap = " + py_float(*var.softcap) + "  # scaled ← softcap · tanh(scaled / softcap)\n";
  if (var.sinks) {
    py += "sinks = " + fmt("f64(" + py_row(*var.sinks) + ")") + "  # one sink logit per head: joins the softmax's denominator\n";
  }
  if (masked && finite_fill)
    py += "fill = " + py_float(*var.mask_fill) + "  # mask_fill: what a masked score becomes (instead of -inf)\n";

  // steps 4–6 per head
  py += "\n# 4.–6. per head: scaled scores, masked softmax by rows, weighted sum of the values\n";
  py += "outputs = []\n";
  py += "for h in range(heads):\n";
  if (grouped) py += "    g = h * kv_heads // heads  # this query head's K/V head\n";
  const std::string g = grouped ? "g" : "h";
  py += "    q_h = q[:, h * d_k:(h + 1) * d_k]  # N × d_k\n";
  py += "    k_h = k[:, " + g + " * d_k:(" + g + " + 1) * d_k]  # M × d_k\n";
  py += "    v_h = v[:, " + g + " * d_v:(" + g + " + 1) * d_v]  # M × d_v\n";
  py += std::string("    scaled = scale * ") + (rounded ? "fmt(q_h @ k_h.T)" : "(q_h @ k_h.T)") + "  # N × M\n";
  if (var.alibi) py += "    scaled = scaled - slopes[h] * distance.to(scaled.dtype)\n";
  if (var.softcap) py += "    scaled = softcap * torch.tanh(scaled / softcap)\n";
  if (rounded) py += "    scaled = fmt(scaled)\n";
  if (masked) py += std::string("    scaled = scaled.masked_fill(~allowed, ") + (finite_fill ? "fill" : "-math.inf") + ")\n";
  if (var.sinks) {
    py += "    logits = torch.cat([scaled, sinks[h].expand(N, 1).to(scaled.dtype)], dim=1)  # the sink: one more column\n";
    py += "    weights = torch.softmax(logits, dim=1)[:, :M]  # stable: subtracts each row's max; rows sum to less than 1\n";
  } else {
    py += "    weights = torch.softmax(scaled, dim=1)  # stable: subtracts each row's max\n";
  }
  if (masked && !finite_fill)
    py += "    # a row with no allowed key gets all-zero weights (softmax of all -inf would be NaN)\n"
          "    weights = torch.where(allowed.any(dim=1, keepdim=True), weights, torch.zeros_like(weights))\n";
  if (rounded) py += "    weights = fmt(weights)\n";
  py += "    outputs.append(" + fmt("weights @ v_h") + ")  # N × d_v\n";
  py += "concat = torch.cat(outputs, dim=1)  # N × heads·d_v\n";
  py += "output = " + fmt("concat @ w_o + b_o") + "  # N × d_model\n";
  py += "print(json.dumps(output.tolist()))\n";
  return py;
}

}  // namespace ap::io
