// Export for use outside the playground: a matrix as CSV, a scenario as a runnable PyTorch script.
// Pure text generation over core types; no file system, no UI (the app puts the text on the clipboard
// or in a download). Depends on core only.
#pragma once

#include <string>

#include "core/matrix.hpp"
#include "core/scenario.hpp"

namespace ap::io {

// One line per row ("\n"-terminated), numbers separated by ",", each the shortest decimal of at most 17
// significant digits that reads back as the same double (so parse_paste gives the matrix back bit for bit).
std::string matrix_to_csv(const core::Matrix& matrix);

// A double as the shortest decimal (at most 17 significant digits) that reads back as the same double,
// independent of the C locale: 0.1 → "0.1", 1.0 → "1", 1e-5 → "1e-05", -0.0 → "-0".
std::string format_double(double value);

// A short Python script that rebuilds the scenario with torch (float64) and computes the attention with
// plain torch ops exactly as SPEC §1 says (positional encodings, projections and biases, RoPE in either
// pairing, scale, every mask form with empty rows giving zero weights, cross-attention, d_k ≠ d_model/h),
// then prints the output (N × d_model) as JSON: json.dumps(output.tolist()). Defaults are written as such
// (torch.eye for identity-like weights, torch.zeros for zero biases) so the script stays readable.
std::string scenario_to_torch_script(const core::Scenario& scenario);

}  // namespace ap::io
