// A thin layer over nlohmann::json that names the field, row and column of what is wrong (nlohmann names
// none). Reading: one SAX pass builds the document and enforces the limits as it goes (depth, array sizes),
// so an oversized or hostile text is refused before it is built; a syntax error is named by the path the
// pass had reached. Checked readers then take fields out of the document. Used by the scenario parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/matrix.hpp"

namespace ap::io {

std::string describe_json_value(const nlohmann::json& j);  // `"abc"`, `null`, `an array`, ...
std::string cell_name(std::string_view field, std::size_t row, std::size_t col);
std::string item_name(std::string_view field, std::size_t index);

// The most items an array at `path` may hold, checked as the text is read. A path names object keys from
// the top, joined by '.', and "[]" for the items of an array: "x" is x's rows, "x[]" each row of x.
// `max_numbers` > 0 also bounds the numbers anywhere inside it (a matrix's rows × columns).
struct JsonArrayLimit {
  std::string_view path;
  std::size_t max_items;
  std::string_view items;    // what the items are, for the message: "rows", "numbers", "labels"
  std::string_view meaning;  // what the limit is: "tokens" → "(the limit of tokens)"
  std::size_t max_numbers = 0;
};

struct JsonLimits {
  std::size_t max_bytes = 0;
  int max_depth = 0;
  std::span<const JsonArrayLimit> arrays;  // by path
  std::size_t max_items_elsewhere = 0;     // any other array
};

// The document in `text`, or core::InputError: over a limit (the field named), not JSON (line, column, and
// the field being read), or holding a NUL byte (JSON text has none: its position).
nlohmann::json parse_json_text(std::string_view text, const JsonLimits& limits);

double read_number(const nlohmann::json& j, const std::string& field);
long long read_integer(const nlohmann::json& j, const std::string& field, long long lo, long long hi);

// A matrix of finite numbers. expected_rows/cols < 0: free, but at most max_rows/max_cols and rectangular.
core::Matrix read_matrix(const nlohmann::json& j, const std::string& field, long long expected_rows,
                         long long expected_cols, long long max_rows, long long max_cols,
                         std::string_view rows_meaning = "", std::string_view cols_meaning = "");
core::RowVector read_vector(const nlohmann::json& j, const std::string& field, long long expected_size,
                            std::string_view size_meaning = "");
// Entries 0/1 (or false/true).
core::AllowMatrix read_mask_matrix(const nlohmann::json& j, const std::string& field, long long rows, long long cols);
std::uint8_t read_flag(const nlohmann::json& j, const std::string& field);

}  // namespace ap::io
