// Checked JSON readers.
#include "io/json_reader.hpp"

#include <cmath>

#include "core/error.hpp"

namespace ap::io {

using core::InputError;
using nlohmann::json;

std::string describe_json_value(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      std::string s = j.dump();
      return s.size() > 40 ? s.substr(0, 37) + "...\"" : s;
    }
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return j.dump();
  }
}

std::string cell_name(std::string_view field, std::size_t row, std::size_t col) {
  return std::string(field) + "[" + std::to_string(row) + "][" + std::to_string(col) + "]";
}

std::string item_name(std::string_view field, std::size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

namespace {

// Line and column (1-based) of a byte offset, for parse errors.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; column = 1; } else { ++column; }
  }
  return {line, column};
}

// Deepest nesting of arrays/objects outside strings; stops counting past the limit.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') { deepest = std::max(deepest, ++depth); if (deepest > limit) return deepest; }
    else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

std::string size_phrase(long long n, std::string_view what, std::string_view meaning) {
  std::string s = std::to_string(n) + " " + std::string(what);
  if (!meaning.empty()) s += " (" + std::string(meaning) + ")";
  return s;
}

}  // namespace

json parse_json_text(std::string_view text, std::size_t max_bytes, int max_depth) {
  if (text.size() > max_bytes)
    throw InputError("", "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                             std::to_string(max_bytes));
  if (nesting_depth(text, max_depth) > max_depth)
    throw InputError("", "the document is nested more than " + std::to_string(max_depth) + " levels deep");
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string detail = e.what();
    const auto colon = detail.find(": ", detail.find("parse error"));
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    std::string hint;
    for (const char* word : {"NaN", "nan", "Infinity", "inf"})
      if (detail.find(std::string("'") + word) != std::string::npos || detail.find(word) != std::string::npos) {
        hint = " (JSON has no NaN or Infinity: every number must be finite)";
        break;
      }
    throw InputError("", "not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                             ": " + detail + hint);
  }
}

double read_number(const json& j, const std::string& field) {
  if (!j.is_number()) throw InputError(field, "expected a number, got " + describe_json_value(j));
  const double v = j.get<double>();
  if (!std::isfinite(v)) throw InputError(field, "expected a finite number, got " + j.dump());
  return v;
}

long long read_integer(const json& j, const std::string& field, long long lo, long long hi) {
  if (!j.is_number()) throw InputError(field, "expected a whole number, got " + describe_json_value(j));
  const double v = j.get<double>();
  if (!std::isfinite(v) || std::floor(v) != v) throw InputError(field, "expected a whole number, got " + j.dump());
  if (v < static_cast<double>(lo) || v > static_cast<double>(hi))
    throw InputError(field, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + j.dump());
  return static_cast<long long>(v);
}

core::Matrix read_matrix(const json& j, const std::string& field, long long expected_rows, long long expected_cols,
                         long long max_rows, long long max_cols, std::string_view rows_meaning,
                         std::string_view cols_meaning) {
  if (!j.is_array()) throw InputError(field, "expected an array of rows, got " + describe_json_value(j));
  const long long rows = static_cast<long long>(j.size());
  if (expected_rows >= 0 && rows != expected_rows)
    throw InputError(field, "expected " + size_phrase(expected_rows, "rows", rows_meaning) + ", got " +
                                std::to_string(rows));
  if (rows == 0) throw InputError(field, "expected at least one row, got an empty array");
  if (rows > max_rows)
    throw InputError(field, std::to_string(rows) + " rows exceed the limit of " + std::to_string(max_rows));
  const json& first = j[0];
  if (!first.is_array()) throw InputError(item_name(field, 0), "expected a row (an array of numbers), got " + describe_json_value(first));
  const long long cols = expected_cols >= 0 ? expected_cols : static_cast<long long>(first.size());
  if (cols == 0) throw InputError(item_name(field, 0), "expected at least one number, got an empty row");
  if (cols > max_cols)
    throw InputError(item_name(field, 0), std::to_string(cols) + " numbers exceed the limit of " + std::to_string(max_cols));
  for (long long r = 0; r < rows; ++r) {  // shape first, so nothing is allocated for a ragged matrix
    const json& row = j[static_cast<std::size_t>(r)];
    if (!row.is_array())
      throw InputError(item_name(field, r), "expected a row (an array of numbers), got " + describe_json_value(row));
    if (static_cast<long long>(row.size()) != cols) {
      const std::string like = expected_cols >= 0 ? size_phrase(cols, "numbers", cols_meaning)
                                                  : std::to_string(cols) + " numbers, like row 0";
      throw InputError(item_name(field, r), "expected " + like + ", got " + std::to_string(row.size()));
    }
  }
  core::Matrix m(rows, cols);
  for (long long r = 0; r < rows; ++r)
    for (long long c = 0; c < cols; ++c)
      m(r, c) = read_number(j[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)], cell_name(field, r, c));
  return m;
}

core::RowVector read_vector(const json& j, const std::string& field, long long expected_size, std::string_view size_meaning) {
  if (!j.is_array()) throw InputError(field, "expected an array of numbers, got " + describe_json_value(j));
  if (static_cast<long long>(j.size()) != expected_size)
    throw InputError(field, "expected " + size_phrase(expected_size, "numbers", size_meaning) + ", got " +
                                std::to_string(j.size()));
  core::RowVector v(expected_size);
  for (long long i = 0; i < expected_size; ++i) v(i) = read_number(j[static_cast<std::size_t>(i)], item_name(field, i));
  return v;
}

std::uint8_t read_flag(const json& j, const std::string& field) {
  if (j.is_boolean()) return j.get<bool>() ? 1 : 0;
  if (j.is_number()) {
    const double v = j.get<double>();
    if (v == 0.0 || v == 1.0) return v == 1.0 ? 1 : 0;
  }
  throw InputError(field, "expected 0 or 1, got " + describe_json_value(j));
}

core::AllowMatrix read_mask_matrix(const json& j, const std::string& field, long long rows, long long cols) {
  if (!j.is_array()) throw InputError(field, "expected an array of rows of 0/1, got " + describe_json_value(j));
  if (static_cast<long long>(j.size()) != rows)
    throw InputError(field, "expected " + std::to_string(rows) + " rows (one per query), got " + std::to_string(j.size()));
  for (long long r = 0; r < rows; ++r) {
    const json& row = j[static_cast<std::size_t>(r)];
    if (!row.is_array())
      throw InputError(item_name(field, r), "expected a row of 0/1, got " + describe_json_value(row));
    if (static_cast<long long>(row.size()) != cols)
      throw InputError(item_name(field, r), "expected " + std::to_string(cols) + " entries (one per key), got " +
                                                std::to_string(row.size()));
  }
  core::AllowMatrix a(rows, cols);
  for (long long r = 0; r < rows; ++r)
    for (long long c = 0; c < cols; ++c)
      a(r, c) = read_flag(j[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)], cell_name(field, r, c));
  return a;
}

}  // namespace ap::io
