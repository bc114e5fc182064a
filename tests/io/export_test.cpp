// Export (io/export): numbers and CSV exactly as written, CSV → paste round trips bit for bit, and the
// PyTorch script's text for each scenario feature. That the scripts compute the right numbers is checked
// by running them (tests/io/export_torch_check.py, native only: it needs python3 and torch).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/scenario.hpp"
#include "io/export.hpp"
#include "io/paste_parser.hpp"
#include "io/scenario_json.hpp"
#include "support/bits.hpp"

namespace {

using ap::core::Matrix;
using ap::io::format_double;
using ap::io::scenario_to_torch_script;

bool same_bits(const Matrix& a, const Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index k = 0; k < a.size(); ++k)
    if (ap::test::bit_cast<std::uint64_t>(a.data()[k]) != ap::test::bit_cast<std::uint64_t>(b.data()[k])) return false;
  return true;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string script_of(const std::string& scenario_json) {
  return scenario_to_torch_script(ap::io::parse_scenario(scenario_json));
}

}  // namespace

TEST_CASE("export: numbers are the shortest decimal that reads back exactly") {
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(1.0) == "1");
  CHECK(format_double(-2.5) == "-2.5");
  CHECK(format_double(-0.0) == "-0");
  CHECK(format_double(0.0) == "0");
  CHECK(format_double(1e-5) == "1e-05");
  CHECK(format_double(1e20) == "1e+20");
  CHECK(format_double(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_double(1.0 / 3.0) == "0.3333333333333333");
  CHECK(format_double(2.0 / 3.0) == "0.6666666666666666");
  CHECK(format_double(0.1f) == "0.10000000149011612");
  CHECK(format_double(123456789012345678.0) == "1.2345678901234568e+17");
  CHECK(format_double(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(format_double(std::numeric_limits<double>::denorm_min()) == "5e-324");  // shortest that reads back
  CHECK(format_double(std::numeric_limits<double>::min()) == "2.2250738585072014e-308");
}

TEST_CASE("export: a matrix as CSV") {
  Matrix m(2, 3);
  m << 1, -0.5, 0.1, 1e20, -0.0, 1.0 / 3.0;
  CHECK(ap::io::matrix_to_csv(m) == "1,-0.5,0.1\n1e+20,-0,0.3333333333333333\n");
  CHECK(ap::io::matrix_to_csv(Matrix::Constant(1, 1, 42.0)) == "42\n");
}

TEST_CASE("export: CSV pasted back gives every number bit for bit") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const auto r = static_cast<Eigen::Index>(1 + rng() % 6), c = static_cast<Eigen::Index>(1 + rng() % 6);
    Matrix m(r, c);
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      double v;
      if (trial % 2) {
        do v = ap::test::bit_cast<double>(rng()); while (!std::isfinite(v));  // every exponent, subnormals too
      } else {
        v = std::normal_distribution<double>(0.0, 1.0)(rng);  // the numbers people use
      }
      m.data()[k] = v;
    }
    const auto back = ap::io::parse_paste(ap::io::matrix_to_csv(m));
    CHECK(back.format == (c == 1 ? ap::io::PasteFormat::whitespace : ap::io::PasteFormat::csv));
    CHECK(same_bits(back.matrix, m));
  }
}

TEST_CASE("export: the PyTorch script of the defaults is short and says what it defaults") {
  const std::string py = script_of(R"({"version": 1, "x": [[1, 2, 3, 4], [5, 6, 7, 8.5]], "heads": 2})");
  CHECK(py.rfind("#!/usr/bin/env python3\n", 0) == 0);
  CHECK(has(py, "import torch\n"));
  CHECK(has(py, "tokens = [\"t0\", \"t1\"]\n"));
  CHECK(has(py, "x = f64([  # N × d_model: the query-side tokens, one per row\n"
                "    [1.0, 2.0, 3.0, 4.0],\n"
                "    [5.0, 6.0, 7.0, 8.5],\n"
                "])\n"));
  CHECK(has(py, "N, M, d_model = 2, 2, 4  # self-attention: M = N\n"));
  CHECK(has(py, "heads, d_k, d_v = 2, 2, 2\n"));
  CHECK(has(py, "w_q = torch.eye(d_model, heads * d_k, dtype=torch.float64)  # d_model × heads·d_k, identity-like (the default)\n"));
  CHECK(has(py, "w_o = torch.eye(heads * d_v, d_model, dtype=torch.float64)  # heads·d_v × d_model, identity-like (the default)\n"));
  CHECK(has(py, "b_v = torch.zeros(heads * d_v, dtype=torch.float64)  # heads·d_v, zero (the default)\n"));
  CHECK(has(py, "scale = 1 / math.sqrt(d_k)  # \"inv_sqrt_dk\"\n"));
  CHECK(has(py, "context = x  # self-attention: keys and values come from x\n"));
  CHECK(has(py, "q = x @ w_q + b_q  # N × heads·d_k\n"));
  CHECK(has(py, "    scaled = scale * (q_h @ k_h.T)  # N × M\n"));
  CHECK(py.size() - py.rfind("print(json.dumps(output.tolist()))\n") == 35);  // the last line
  // only what the scenario uses
  CHECK_FALSE(has(py, "allowed"));
  CHECK_FALSE(has(py, "def rope"));
  CHECK_FALSE(has(py, "def sinusoidal"));
  CHECK_FALSE(has(py, "learned"));
  CHECK_FALSE(has(py, "context = f64"));
}

TEST_CASE("export: the PyTorch script of every scenario feature") {
  SECTION("weights, biases, scale and cross-attention") {
    const std::string py = script_of(R"({"version": 1, "tokens": ["a\"b", "é\n"], "x": [[1, -0.0], [0.1, 2]],
      "context": {"tokens": ["c0"], "x": [[3, 4]]}, "d_k": 1, "d_v": 3,
      "w_q": [[0.5], [0.25]], "b_k": [-1], "b_o": [1e-5, 0], "scale": 0.37})");
    CHECK(has(py, "tokens = [\"a\\\"b\", \"\\u00e9\\n\"]\n"));  // escaped, ASCII only
    CHECK(has(py, "    [1.0, -0.0],\n"));
    CHECK(has(py, "context_tokens = [\"c0\"]\n"));
    CHECK(has(py, "context = f64([  # M × d_model: the keys' and values' source (cross-attention)\n    [3.0, 4.0],\n])\n"));
    CHECK(has(py, "N, M, d_model = 2, 1, 2\n"));
    CHECK(has(py, "heads, d_k, d_v = 1, 1, 3\n"));
    CHECK(has(py, "w_q = f64([  # d_model × heads·d_k\n    [0.5],\n    [0.25],\n])\n"));
    CHECK(has(py, "w_v = torch.eye(d_model, heads * d_v, dtype=torch.float64)"));
    CHECK(has(py, "b_k = f64([-1.0])  # heads·d_k\n"));
    CHECK(has(py, "b_o = f64([1e-05, 0.0])  # d_model\n"));
    CHECK(has(py, "scale = 0.37\n"));
    CHECK_FALSE(has(py, "context = x"));
  }
  SECTION("scale none") { CHECK(has(script_of(R"({"version": 1, "x": [[1]], "scale": "none"})"), "scale = 1.0  # \"none\"\n")); }
  SECTION("sinusoidal, on both sequences") {
    const std::string py = script_of(R"({"version": 1, "x": [[1, 2]], "context": {"x": [[1, 2], [3, 4]]}, "positional": "sinusoidal"})");
    CHECK(has(py, "def sinusoidal(positions, width):\n"));
    CHECK(has(py, "x = x + sinusoidal(N, d_model)\ncontext = context + sinusoidal(M, d_model)\n"));
  }
  SECTION("learned") {
    const std::string py = script_of(R"({"version": 1, "x": [[1, 2], [3, 4]], "positional": {"learned": [[0.5, 0], [0, 0.5], [9, 9]]}})");
    CHECK(has(py, "learned = f64([  # positions × d_model\n    [0.5, 0.0],\n    [0.0, 0.5],\n    [9.0, 9.0],\n])\n"));
    CHECK(has(py, "x = x + learned[:N]\ncontext = x"));
  }
  SECTION("rope, interleaved and half") {
    const std::string inter = script_of(R"({"version": 1, "x": [[1, 2, 3, 4]], "positional": "rope"})");
    CHECK(has(inter, "def rope(t, base):\n"));
    CHECK(has(inter, "    a, b = t[:, 0::2], t[:, 1::2]  # interleaved pairs (2i, 2i + 1)\n"));
    CHECK_FALSE(has(inter, "t[:, :half]"));
    CHECK(has(inter, "base = 10000.0\n"));
    CHECK(has(inter, "q = torch.cat([rope(q[:, h * d_k:(h + 1) * d_k], base) for h in range(heads)], dim=1)\n"));
    CHECK(has(inter, "k = torch.cat([rope(k[:, h * d_k:(h + 1) * d_k], base) for h in range(heads)], dim=1)\n"));
    const std::string half =
        script_of(R"({"version": 1, "x": [[1, 2, 3, 4]], "positional": {"rope": {"base": 500, "pairing": "half"}}})");
    CHECK(has(half, "    a, b = t[:, :half], t[:, half:]  # \"half\" pairs (i, i + d_k / 2)\n"));
    CHECK(has(half, "base = 500.0\n"));
  }
  SECTION("masks") {
    const std::string causal = script_of(R"({"version": 1, "x": [[1], [2]], "mask": "causal"})");
    CHECK(has(causal, "allowed = torch.ones(N, M, dtype=torch.bool)\n"
                      "offset = 0  # causal, top-left aligned: query i sees keys j <= i\n"
                      "allowed &= j <= i + offset\n\n"));
    CHECK(has(causal, "    scaled = scaled.masked_fill(~allowed, -math.inf)\n"));
    CHECK(has(causal, "    weights = torch.where(allowed.any(dim=1, keepdim=True), weights, torch.zeros_like(weights))\n"));
    const std::string window = script_of(R"({"version": 1, "x": [[1], [2]], "mask": {"window": 1}})");
    CHECK(has(window, "allowed &= j > i + offset - 1  # a window of 1 key\n"));
    const std::string all = script_of(R"({"version": 1, "x": [[1], [2]], "context": {"x": [[1], [2], [3]]},
      "mask": {"causal": "bottom_right", "window": 2, "allow": [[1, 0, 1], [0, 1, 1]], "key_valid": [1, 1, 0]}})");
    CHECK(has(all, "offset = M - N  # causal, bottom-right aligned: query i sees keys j <= i + (M - N)\n"
                   "allowed &= j <= i + offset\n"
                   "allowed &= j > i + offset - 2  # a window of 2 keys\n"
                   "allowed &= torch.tensor([\n    [1, 0, 1],\n    [0, 1, 1],\n]) != 0  # allow: 1 = may attend\n"
                   "allowed &= torch.tensor([1, 1, 0])[None, :] != 0  # key_valid: 1 = a real key\n"));
    const std::string bare = script_of(R"({"version": 1, "x": [[1], [2]], "mask": [[1, 0], [0, 0]]})");
    CHECK(has(bare, "allowed &= torch.tensor([\n    [1, 0],\n    [0, 0],\n]) != 0"));
    CHECK_FALSE(has(bare, "offset"));
    const std::string kv = script_of(R"({"version": 1, "x": [[1], [2]], "mask": {"key_valid": [0, 0]}})");
    CHECK(has(kv, "allowed &= torch.tensor([0, 0])[None, :] != 0"));
  }
}

TEST_CASE("export: script numbers read back as the scenario's exact doubles") {
  const std::string py = script_of(R"({"version": 1, "x": [[0.30000000000000004, 1e-300, -123456.789]]})");
  CHECK(has(py, "    [0.30000000000000004, 1e-300, -123456.789],\n"));
}
