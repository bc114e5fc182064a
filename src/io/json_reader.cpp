// Checked JSON reading.
//
// [SECTION] names and values in messages
// [SECTION] the reading pass: nlohmann's lexer and DOM builder, our limits and path
// [SECTION] checked readers over the document
#include "io/json_reader.hpp"

#include <cstring>
#include <cmath>
#include <iterator>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "io/user_text.hpp"

namespace ap::io {

using core::InputError;
using nlohmann::json;

// [SECTION] names and values in messages ---------------------------------------------------------------

std::string describe_json_value(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::string: return quote_user_text(j.get_ref<const std::string&>());
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

// [SECTION] the reading pass: nlohmann's lexer and DOM builder, our limits and path ----------------------

// Hands the text to nlohmann's lexer and notes how far it has read, so the pass knows where each value
// ended without scanning the text a second time.
struct ReadingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* at = nullptr;
  const char* begin = nullptr;
  std::size_t* read = nullptr;  // bytes read so far

  reference operator*() const {
    *read = static_cast<std::size_t>(at - begin) + 1;
    return *at;
  }
  ReadingIterator& operator++() {
    ++at;
    return *this;
  }
  ReadingIterator operator++(int) {
    ReadingIterator before = *this;
    ++at;
    return before;
  }
  bool operator==(const ReadingIterator& other) const { return at == other.at; }
  bool operator!=(const ReadingIterator& other) const { return at != other.at; }
};

// Line and column (1-based, columns in bytes) of a byte offset.
std::string line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; column = 1; } else { ++column; }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

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

// The SAX handler of the one pass: every event is counted against the limits and followed in the path,
// then handed to nlohmann's own DOM builder.
class Reader {
 public:
  Reader(std::string_view text, const JsonLimits& limits, json& root, const std::size_t& read)
      : text_(text), limits_(limits), dom_(root, false), read_(read) {}

  std::optional<InputError> error;

  bool null() { return scalar(false) && dom_.null(); }
  bool boolean(bool v) { return scalar(false) && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return scalar(true) && dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(true) && dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return scalar(true) && dom_.number_float(v, s); }
  bool string(json::string_t& s) { return scalar(false) && dom_.string(s); }
  bool binary(json::binary_t& b) { return scalar(false) && dom_.binary(b); }
  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    frames_.back().pending = true;
    return dom_.key(k);
  }
  bool end_object() { close(); return dom_.end_object(); }
  bool end_array() { close(); return dom_.end_array(); }

  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    const auto* syntax = dynamic_cast<const json::parse_error*>(&e);
    const std::size_t byte = syntax ? syntax->byte : position;  // just past the byte that stopped the lexer
    error = InputError(error_path(byte), syntax_message(byte, token, e));
    return false;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t items = 0;      // arrays: values begun (a container when it opens, a scalar once read)
    std::size_t after_last = 0;  // arrays: the byte after the latest complete value
    std::string key;            // objects: the latest key
    bool pending = false;       // objects: key read, its value not yet finished
    std::string pattern;        // the path with "[]" for array items, to find this array's limit
    const JsonArrayLimit* limit = nullptr;
    std::size_t max_items = 0;
    std::size_t numbers = 0;    // numbers inside, where the limit bounds them
    int counted_by = -1;        // the frame whose limit bounds the numbers inside this one
  };

  // A value begins in the innermost container: counted against its array's limit.
  bool begin_value() {
    if (frames_.empty() || !frames_.back().array) return true;
    Frame& f = frames_.back();
    if (++f.items <= f.max_items) return true;
    const std::string what = f.limit ? std::string(f.limit->items) : "items";
    const std::string why = f.limit ? " (the limit of " + std::string(f.limit->meaning) + ")" : " (the limit)";
    return refuse(current_path(), "more than " + std::to_string(f.max_items) + " " + what + why);
  }

  // A value ended: an array notes where (for the path of an error after it), an object's key is done.
  void end_value(bool number) {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.array) f.after_last = number ? read_ - 1 : read_;  // the lexer read one byte past a number
    else f.pending = false;
  }

  bool scalar(bool number) {
    if (!begin_value()) return false;
    if (number && !frames_.empty() && frames_.back().counted_by >= 0) {
      Frame& owner = frames_[static_cast<std::size_t>(frames_.back().counted_by)];
      if (++owner.numbers > owner.limit->max_numbers) {
        return refuse(path_to(owner), "more than " + std::to_string(owner.limit->max_numbers) +
                                          " numbers (the limit of one matrix)");
      }
    }
    end_value(number);
    return true;
  }

  bool open(bool array) {
    if (!begin_value()) return false;
    if (static_cast<int>(frames_.size()) >= limits_.max_depth)
      return refuse("", "the document is nested more than " + std::to_string(limits_.max_depth) + " levels deep");
    Frame f;
    f.array = array;
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      f.pattern = parent.array ? parent.pattern + "[]" : parent.pattern.empty() ? parent.key : parent.pattern + "." + parent.key;
      f.counted_by = parent.counted_by;
    }
    if (array) {
      f.max_items = limits_.max_items_elsewhere;
      for (const JsonArrayLimit& l : limits_.arrays)
        if (l.path == f.pattern) {
          f.limit = &l;
          f.max_items = l.max_items;
          if (l.max_numbers > 0) f.counted_by = static_cast<int>(frames_.size());
        }
    }
    frames_.push_back(std::move(f));
    return true;
  }

  void close() {
    frames_.pop_back();
    end_value(false);
  }

  bool refuse(std::string field, std::string message) {
    error = InputError(std::move(field), std::move(message));
    return false;
  }

  // The path of frame `last` and those around it: "x[3]", "mask.allow", "" for the top.
  std::string path_to(const Frame& last) const {
    std::string path;
    for (const Frame& f : frames_) {
      if (&f == &last) break;
      if (f.array) path += "[" + std::to_string(f.items - 1) + "]";
      else path += (path.empty() ? "" : ".") + bare_user_text(f.key);
    }
    return path;
  }

  // The path of the innermost container (where a limit was passed).
  std::string current_path() const { return frames_.empty() ? "" : path_to(frames_.back()); }

  // The path of the value a syntax error stopped in. Outer containers are inside their latest value;
  // the innermost array is reading its next value when a ',' (or its '[') came after its latest one,
  // else the error is glued to that value ("0x10" is one bad element, not 0 then another).
  std::string error_path(std::size_t byte) const {
    std::string path;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const bool innermost = i + 1 == frames_.size();
      if (f.array) {
        std::size_t index = f.items > 0 ? f.items - 1 : 0;
        if (innermost && f.items > 0) {
          std::size_t at = f.after_last;
          while (at + 1 < byte && is_json_space(text_[at])) ++at;
          if (at + 1 < byte && text_[at] == ',') index = f.items;
        }
        path += "[" + std::to_string(index) + "]";
      } else if (!innermost || f.pending) {
        path += (path.empty() ? "" : ".") + bare_user_text(f.key);
      }
    }
    return path;
  }

  std::string syntax_message(std::size_t byte, const std::string& token, const nlohmann::detail::exception& e) const {
    constexpr int number_overflow = 406;  // nlohmann's out_of_range.406: a literal beyond a double's range
    const std::size_t stop = byte > 0 ? byte - 1 : 0;  // the byte that stopped the lexer
    if (e.id == number_overflow) {
      const std::size_t start = byte >= token.size() ? byte - token.size() : 0;
      return "expected a finite number, got " + bare_user_text(token) + " (beyond the range of a double), at " +
             line_column(text_, start);
    }
    if (stop < text_.size() && text_[stop] == '\0')
      return "not valid JSON at " + line_column(text_, stop) + ": a NUL byte (JSON text holds none; in a string write \\u0000)";
    if (const auto [literal, start] = non_finite_literal_at(text_, stop); !literal.empty())
      return "expected a finite number, got " + literal + " (JSON has no NaN or Infinity), at " + line_column(text_, start);
    // nlohmann's own account of the error is what follows its "[json.exception...] parse error at ...: "
    // prefix; the token it quotes in full (all of an unclosed string) is shortened and made valid UTF-8.
    std::string reason = e.what();
    const std::size_t colon = reason.find(": ", reason.find("parse error"));
    if (colon != std::string::npos) reason = reason.substr(colon + 2);
    const std::string quoted = "'" + token + "'";
    if (const std::size_t at = reason.rfind(quoted); at != std::string::npos)
      reason.replace(at, quoted.size(), "'" + bare_user_text(token) + "'");
    return "not valid JSON at " + line_column(text_, stop) + ": " + reason;
  }

  std::string_view text_;
  const JsonLimits& limits_;
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  const std::size_t& read_;
  std::vector<Frame> frames_;
};

}  // namespace

json parse_json_text(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw InputError("", "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                             std::to_string(limits.max_bytes));
  json root;
  std::size_t read = 0;
  Reader reader(text, limits, root, read);
  const ReadingIterator first{text.data(), text.data(), &read}, last{text.data() + text.size(), text.data(), &read};
  if (!json::sax_parse(first, last, &reader) || reader.error) {
    if (reader.error) throw *reader.error;
    throw InputError("", "not valid JSON");
  }
  // nlohmann's lexer takes a NUL for the end of the text: one after the document stopped it there.
  if (read > 0 && read <= text.size() && text[read - 1] == '\0')
    throw InputError("", "not valid JSON at " + line_column(text, read - 1) +
                             ": a NUL byte after the document (JSON text holds none)");
  return root;
}

// [SECTION] checked readers over the document -----------------------------------------------------------

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
