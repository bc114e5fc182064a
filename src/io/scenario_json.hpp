// Scenario JSON (SPEC §1) in and out. Parsing is the boundary: every field is checked here, sizes
// before anything of that size is allocated, and a bad field is named with its row and column.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/scenario.hpp"

namespace ap::io {

// Throws core::InputError naming the field (`w_k[3][1]: expected a number, got "abc"`).
core::Scenario parse_scenario(std::string_view text);
core::Scenario scenario_from_json(const nlohmann::json& doc);
// The limits parse_scenario enforces while it reads the text (io/json_reader.hpp): also those of the header
// of a binary scenario (io/scenario_binary.hpp).
struct JsonLimits;
const JsonLimits& scenario_json_limits();

// How a matrix is written: arrays of rows (the JSON of SPEC §1), or a reference to a binary block
// (io/scenario_binary.hpp, the page's autosave and fast loading).
using MatrixEncoder = std::function<nlohmann::json(const core::Matrix&)>;

// The explicit form: every field written, numbers exact (17 significant digits round-trip).
nlohmann::json scenario_to_json(const core::Scenario& scenario);
nlohmann::json scenario_to_json(const core::Scenario& scenario, const MatrixEncoder& encode);
std::string scenario_to_string(const core::Scenario& scenario, int indent = -1);

// Helpers shared with the trace writer and paste import.
nlohmann::json matrix_to_json(const core::Matrix& m);

}  // namespace ap::io
