// Checked JSON readers.
#include "io/json_reader.hpp"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <vector>

#include "core/error.hpp"

namespace ap::io {

using core::InputError;
using nlohmann::json;

namespace {

constexpr std::size_t max_quoted = 40;  // longest piece of user text repeated in a message

// Cuts s to at most `keep` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t keep) {
  if (s.size() <= keep) return s;
  while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;
  return s.substr(0, keep);
}

// User text as it appears in a message: at most max_quoted bytes, "..." where cut.
std::string short_text(std::string_view s) {
  return s.size() <= max_quoted ? std::string(s) : std::string(utf8_prefix(s, max_quoted - 3)) + "...";
}

// Messages must be valid UTF-8 (they reach a terminal and the page): a byte that does not start a
// well-formed sequence is written as \xNN.
std::string escape_invalid_utf8(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string describe_json_value(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      const std::string s = j.dump();
      return s.size() <= max_quoted ? s : std::string(utf8_prefix(s, max_quoted - 4)) + "...\"";
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

// A number as the user would have written it: 1e9 reads "1000000000", not nlohmann's "1000000000.0".
std::string number_text(const json& j) {
  if (j.is_number_float()) {
    const double v = j.get<double>();
    if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  }
  return j.dump();
}

std::string size_phrase(long long n, std::string_view what, std::string_view meaning) {
  std::string s = std::to_string(n) + " " + std::string(what);
  if (!meaning.empty()) s += " (" + std::string(meaning) + ")";
  return s;
}

// For each array or object still open at byte `offset` (outermost first): for an array, the commas read
// at its own level so far, which is the index of the element that holds `offset`; for an object, -1.
std::vector<long long> open_containers(std::string_view text, std::size_t offset) {
  std::vector<long long> open;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[') open.push_back(0);
    else if (c == '{') open.push_back(-1);
    else if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
    else if (c == ',' && !open.empty() && open.back() >= 0) ++open.back();
  }
  return open;
}

// An object key inside a field name: escaped as JSON writes it (no raw newline reaches a message) and short.
std::string key_text(const std::string& key) {
  const std::string quoted = describe_json_value(json(key));
  return quoted.substr(1, quoted.size() - 2);
}

// The path of the value being read when a SAX pass stopped ("x[0][1]", "mask.allow[2]"), so a syntax
// error names its field like every other error. Arrays count the values begun; an object names its key
// only while that key's value is being read.
struct PathTracker {
  struct Frame {
    bool array = false;
    std::size_t begun = 0;  // arrays: values begun so far
    std::string key;        // objects: the latest key
    bool pending = false;   // objects: key read, its value not yet finished
  };
  std::string_view text;  // the document, to count commas when parsing stops
  std::vector<Frame> frames;
  bool failed = false;
  std::string path, last_token, detail;
  std::size_t position = 0;
  int error_id = 0;

  void begin_value() {
    if (!frames.empty() && frames.back().array) ++frames.back().begun;
  }
  void end_value() {
    if (!frames.empty() && !frames.back().array) frames.back().pending = false;
  }
  bool scalar() { begin_value(); end_value(); return true; }
  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(json::number_integer_t) { return scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(); }
  bool number_float(json::number_float_t, const json::string_t&) { return scalar(); }
  bool string(json::string_t&) { return scalar(); }
  bool binary(json::binary_t&) { return scalar(); }
  bool start_object(std::size_t) { begin_value(); frames.push_back({false, 0, "", false}); return true; }
  bool key(json::string_t& k) { frames.back().key = k; frames.back().pending = true; return true; }
  bool start_array(std::size_t) { begin_value(); frames.push_back({true, 0, "", false}); return true; }
  bool end_object() { frames.pop_back(); end_value(); return true; }
  bool end_array() { frames.pop_back(); end_value(); return true; }

  bool parse_error(std::size_t at, const std::string& token, const nlohmann::detail::exception& e) {
    failed = true;
    position = at;
    last_token = token;
    error_id = e.id;
    detail = e.what();
    // The commas before the error give exact indices ("0x10" is one bad element, not 0 then another);
    // the SAX counts stand in if the two views of the open containers ever disagree.
    const std::vector<long long> open = open_containers(text, at > 0 ? at - 1 : 0);
    const bool exact = open.size() == frames.size();
    for (std::size_t f = 0; f < frames.size(); ++f) {
      const Frame& frame = frames[f];
      const bool innermost = f + 1 == frames.size();
      if (frame.array) {
        // the innermost array is reading its next value; an outer one is inside its latest value
        const std::size_t begun = innermost ? frame.begun : frame.begun - 1;
        const std::size_t index = exact && open[f] >= 0 ? static_cast<std::size_t>(open[f]) : begun;
        path += "[" + std::to_string(index) + "]";
      } else if (!innermost || frame.pending) {
        path += (path.empty() ? "" : ".") + key_text(frame.key);
      }
    }
    return false;
  }
};

// "NaN", "-Infinity", "inf", ... and where it starts, when the word at `offset` is one of the non-finite
// literals JSON lacks; an empty word otherwise.
std::pair<std::string, std::size_t> non_finite_literal_at(std::string_view text, std::size_t offset) {
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (offset >= text.size()) return {"", 0};
  std::size_t begin = offset, end = offset;
  while (begin > 0 && alpha(text[begin - 1])) --begin;
  while (end < text.size() && alpha(text[end])) ++end;
  std::string word(text.substr(begin, end - begin)), lower;
  for (char c : word) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower != "nan" && lower != "inf" && lower != "infinity") return {"", 0};
  if (begin > 0 && (text[begin - 1] == '-' || text[begin - 1] == '+')) word = text[--begin] + word;
  return {word, begin};
}

// nlohmann's detail quotes the whole token it stopped in ("last read: '...'"), which for an unclosed
// string or a long key is most of the document: keep the first max_quoted bytes of it.
std::string shorten_last_read(std::string detail) {
  const std::string mark = "last read: '";
  const std::size_t begin = detail.find(mark);
  if (begin == std::string::npos) return detail;
  const std::size_t from = begin + mark.size();
  std::size_t end = detail.rfind("'; expected");
  if (end == std::string::npos || end < from) end = detail.rfind('\'');
  if (end == std::string::npos || end < from) return detail;
  return detail.substr(0, from) + short_text(std::string_view(detail).substr(from, end - from)) + detail.substr(end);
}

std::string parse_failure_message(std::string_view text, const PathTracker& t) {
  constexpr int number_overflow = 406;  // nlohmann's out_of_range.406: a literal beyond a double's range
  if (t.error_id == number_overflow) {
    const std::size_t start = t.position >= t.last_token.size() ? t.position - t.last_token.size() : 0;
    const auto [line, column] = line_column(text, start);
    return "expected a finite number, got " + short_text(t.last_token) + " (beyond the range of a double), at line " +
           std::to_string(line) + ", column " + std::to_string(column);
  }
  const std::size_t offset = t.position > 0 ? t.position - 1 : 0;
  if (const auto [literal, start] = non_finite_literal_at(text, offset); !literal.empty()) {
    const auto [line, column] = line_column(text, start);
    return "expected a finite number, got " + literal + " (JSON has no NaN or Infinity), at line " +
           std::to_string(line) + ", column " + std::to_string(column);
  }
  const auto [line, column] = line_column(text, offset);
  const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
  std::string detail = t.detail;
  const auto colon = detail.find(": ", detail.find("parse error"));
  if (colon != std::string::npos) detail = detail.substr(colon + 2);
  return "not valid JSON at " + where + ": " + escape_invalid_utf8(shorten_last_read(detail));
}

}  // namespace

json parse_json_text(std::string_view text, std::size_t max_bytes, int max_depth) {
  if (text.size() > max_bytes)
    throw InputError("", "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                             std::to_string(max_bytes));
  if (nesting_depth(text, max_depth) > max_depth)
    throw InputError("", "the document is nested more than " + std::to_string(max_depth) + " levels deep");
  std::string fallback;
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number beyond a double's range
    fallback = e.what();
  }
  // Second pass over the bad text, only to name the field where parsing stopped.
  PathTracker tracker;
  tracker.text = text;
  json::sax_parse(text.begin(), text.end(), &tracker);
  if (!tracker.failed) throw InputError("", "not valid JSON: " + fallback);
  throw InputError(tracker.path, parse_failure_message(text, tracker));
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
    throw InputError(field, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + number_text(j));
  return static_cast<long long>(v);
}

namespace {

// A block of io/scenario_binary.hpp: u32 rows, u32 cols, then rows × cols little-endian float64.
core::Matrix read_binary_matrix(const json::binary_t& bytes, const std::string& field, long long expected_rows,
                                long long expected_cols, long long max_rows, long long max_cols) {
  std::uint32_t rows = 0, cols = 0;
  if (bytes.size() < 8) throw InputError(field, "a truncated binary block");
  std::memcpy(&rows, bytes.data(), 4);
  std::memcpy(&cols, bytes.data() + 4, 4);
  if (bytes.size() != 8 + std::uint64_t{rows} * cols * sizeof(double)) throw InputError(field, "a truncated binary block");
  if ((expected_rows >= 0 && rows != expected_rows) || (expected_cols >= 0 && cols != expected_cols))
    throw InputError(field, "expected " + std::to_string(expected_rows) + " × " + std::to_string(expected_cols) + ", got " +
                                std::to_string(rows) + " × " + std::to_string(cols));
  if (rows == 0 || cols == 0) throw InputError(field, "expected at least one row and one column");
  if (rows > max_rows || cols > max_cols)
    throw InputError(field, std::to_string(rows) + " × " + std::to_string(cols) + " exceeds the limit of " +
                                std::to_string(max_rows) + " × " + std::to_string(max_cols));
  core::Matrix m(rows, cols);
  std::memcpy(m.data(), bytes.data() + 8, static_cast<std::size_t>(m.size()) * sizeof(double));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c)
      if (!std::isfinite(m(r, c))) throw InputError(cell_name(field, r, c), "expected a finite number");
  return m;
}

}  // namespace

core::Matrix read_matrix(const json& j, const std::string& field, long long expected_rows, long long expected_cols,
                         long long max_rows, long long max_cols, std::string_view rows_meaning,
                         std::string_view cols_meaning) {
  if (j.is_binary()) return read_binary_matrix(j.get_binary(), field, expected_rows, expected_cols, max_rows, max_cols);
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
