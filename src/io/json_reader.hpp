// Small checked readers over nlohmann::json that name the field, row and column of what is wrong.
// Shared by the scenario parser and any other JSON input (paste, share links).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/matrix.hpp"

namespace ap::io {

std::string describe_json_value(const nlohmann::json& j);  // `"abc"`, `null`, `an array`, ...
std::string cell_name(std::string_view field, std::size_t row, std::size_t col);
std::string item_name(std::string_view field, std::size_t index);

// Throws core::InputError unless the text is JSON nested at most max_depth deep (checked before parsing,
// so a hostile file cannot exhaust the stack) and within max_bytes.
nlohmann::json parse_json_text(std::string_view text, std::size_t max_bytes, int max_depth);

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
