// Pasted matrices. One pass over the text collects the numbers (checking every count against the limits
// as it grows, so memory stays bounded by them) and the shape; the matrix is allocated once at the end.
//
// [SECTION] positions and failures
// [SECTION] numbers
// [SECTION] row formats: CSV, TSV, whitespace
// [SECTION] bracketed formats: Python list, array repr
// [SECTION] detection
#include "io/paste_parser.hpp"

#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/user_text.hpp"

namespace ap::io {

using core::InputError;

namespace {

// [SECTION] positions and failures ---------------------------------------------------------------------

constexpr const char* field = "paste";
constexpr int max_nesting = 32;  // brackets; deeper is refused before the recursion could exhaust the stack

bool is_newline(char c) { return c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
bool is_space(char c) { return is_blank(c) || is_newline(c); }

struct Position {
  std::size_t line = 1, column = 1;
};

// Line and column (1-based) of a byte offset. "\r\n", "\n" and a lone "\r" each end a line; a column
// counts characters, not the continuation bytes of UTF-8.
Position position_of(std::string_view text, std::size_t offset) {
  Position p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++p.line;
      p.column = 1;
    } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

[[noreturn]] void fail(const std::string& message) { throw InputError(field, message); }

[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& message) {
  const Position p = position_of(text, offset);
  fail("line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ": " + message);
}

[[noreturn]] void fail_line(std::size_t line, const std::string& message) {
  fail("line " + std::to_string(line) + ": " + message);
}

std::string numbers_phrase(long long n) { return std::to_string(n) + (n == 1 ? " number" : " numbers"); }

// The values read so far, bounded by the limits as they arrive.
struct Collector {
  const ImportLimits& limits;
  std::vector<double> values;

  void add(double v, std::string_view text, std::size_t offset) {
    if (values.size() >= limits.max_elements)
      fail_at(text, offset, "more than " + std::to_string(limits.max_elements) + " numbers (the limit of a matrix)");
    values.push_back(v);
  }
};

void check_rows(long long rows, const ImportLimits& limits, std::string_view text, std::size_t offset) {
  if (rows > limits.max_rows)
    fail_at(text, offset, "more than " + std::to_string(limits.max_rows) + " rows (the limit)");
}

void check_cols(long long cols, const ImportLimits& limits, std::string_view text, std::size_t offset) {
  if (cols > limits.max_cols)
    fail_at(text, offset, "more than " + std::to_string(limits.max_cols) + " numbers in a row (the limit)");
}

core::Matrix to_matrix(const std::vector<double>& values, long long rows, long long cols) {
  core::Matrix m(rows, cols);
  for (long long i = 0; i < rows * cols; ++i) m.data()[i] = values[static_cast<std::size_t>(i)];
  return m;
}

// [SECTION] numbers -----------------------------------------------------------------------------------

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Decimal grammar: [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]. No hex, no words.
bool is_decimal(std::string_view w) {
  std::size_t i = 0;
  if (i < w.size() && (w[i] == '+' || w[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < w.size() && is_digit(w[i])) { ++i; ++digits; }
  if (i < w.size() && w[i] == '.') {
    ++i;
    while (i < w.size() && is_digit(w[i])) { ++i; ++digits; }
  }
  if (digits == 0) return false;
  if (i < w.size() && (w[i] == 'e' || w[i] == 'E')) {
    ++i;
    if (i < w.size() && (w[i] == '+' || w[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < w.size() && is_digit(w[i])) { ++i; ++exp_digits; }
    if (exp_digits == 0) return false;
  }
  return i == w.size();
}

bool is_non_finite_word(std::string_view w) {
  if (!w.empty() && (w[0] == '+' || w[0] == '-')) w.remove_prefix(1);
  std::string l;
  for (char c : w.substr(0, 9)) l += lower(c);
  return w.size() <= 8 && (l == "nan" || l == "inf" || l == "infinity");
}

// The word as a finite double, or the reason it is not one (without position).
std::optional<std::string> read_number(std::string_view word, double& value) {
  if (word.empty()) return "expected a number, got an empty field";
  if (is_non_finite_word(word))
    return "expected a finite number, got " + std::string(word) + " (NaN and infinities are not accepted)";
  if (word == "...")
    return std::string("expected a number, got \"...\" (a summarized print: print the whole array, for example "
                       "after np.set_printoptions(threshold=sys.maxsize))");
  if (!is_decimal(word)) return "expected a number, got " + quote_user_text(word);
  // strtod reads the C library's decimal point: write the locale's in place of '.' (as nlohmann does).
  std::string copy(word);
  const char point = *std::localeconv()->decimal_point;
  if (point != '.')
    for (char& c : copy)
      if (c == '.') c = point;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return "expected a number, got " + quote_user_text(word);
  if (!std::isfinite(v)) return "expected a finite number, got " + quote_user_text(word) + " (beyond the range of a double)";
  value = v;  // an underflow to zero or a subnormal is the nearest double: accepted
  return std::nullopt;
}

double number_at(std::string_view text, std::size_t offset, std::string_view word) {
  double v = 0;
  if (const auto error = read_number(word, v)) fail_at(text, offset, *error);
  return v;
}

// [SECTION] row formats: CSV, TSV, whitespace ----------------------------------------------------------

// Next line [begin, end) from `from`; returns the offset after its line break.
std::size_t next_line(std::string_view text, std::size_t from, std::size_t& end) {
  end = from;
  while (end < text.size() && !is_newline(text[end])) ++end;
  if (end >= text.size()) return end;
  return text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? end + 2 : end + 1;
}

// delimiter: ',' or '\t'; 0 for runs of blanks.
PastedMatrix parse_rows(std::string_view text, char delimiter, PasteFormat format, const ImportLimits& limits) {
  Collector out{limits, {}};
  long long cols = -1, rows = 0;
  std::size_t first_line = 0;
  std::size_t line_no = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = 0;
    const std::size_t next = next_line(text, begin, end);
    ++line_no;
    std::size_t first = begin;
    while (first < end && is_blank(text[first])) ++first;
    const bool skip = first == end || text[first] == '#';
    long long count = 0;
    const auto add = [&](std::size_t offset, std::string_view word) {
      check_cols(++count, limits, text, offset);
      out.add(number_at(text, offset, word), text, offset);
    };
    if (!skip && delimiter == 0) {
      for (std::size_t i = first; i < end;) {
        std::size_t j = i;
        while (j < end && !is_blank(text[j])) ++j;
        add(i, text.substr(i, j - i));
        i = j;
        while (i < end && is_blank(text[i])) ++i;
      }
    } else if (!skip) {
      for (std::size_t i = begin;;) {
        std::size_t j = i;
        while (j < end && text[j] != delimiter) ++j;
        std::size_t a = i, b = j;
        while (a < b && is_blank(text[a])) ++a;
        while (b > a && is_blank(text[b - 1])) --b;
        const bool last = j >= end;
        if (last && a == b && count > 0) break;  // a trailing delimiter ends the line
        const std::size_t at = a;  // a message points at the field, quote included
        if (b - a >= 2 && text[a] == '"' && text[b - 1] == '"') { ++a; --b; }  // "1.5", as spreadsheets quote
        add(at, text.substr(a, b - a));
        if (last) break;
        i = j + 1;
      }
    }
    if (!skip) {
      check_rows(++rows, limits, text, first);
      if (cols < 0) {
        cols = count;
        first_line = line_no;
      } else if (count != cols) {
        fail_line(line_no, "expected " + numbers_phrase(cols) + " (like line " + std::to_string(first_line) +
                               "), got " + std::to_string(count));
      }
    }
    begin = next;
  }
  if (rows == 0) fail("no numbers found (expected rows of numbers, a Python list or a NumPy array)");
  return {to_matrix(out.values, rows, cols), format};
}

// [SECTION] bracketed formats: Python list, array repr ------------------------------------------------

bool ends_word(char c) { return is_space(c) || c == ',' || c == '[' || c == ']' || c == '(' || c == ')'; }

// Nested lists of numbers. Every list at one depth must have the same length (the first one's), and the
// numbers must all sit at one depth. Separators are commas or whitespace (numpy's str form has no commas).
class ListParser {
 public:
  ListParser(std::string_view text, const ImportLimits& limits) : text_(text), limits_(limits), out_{limits, {}} {}

  // Parses the list whose '[' is at `pos`; returns the offset after its ']'.
  std::size_t parse_list(std::size_t pos) {
    sequence_ = false;
    parse_items(pos, 0, false);
    return pos_;
  }

  // Parses lists one after another up to the end of the text, as the items of an outer list, so a list
  // of rows and rows written as one list per line ("[1, 2]\n[3, 4]") read alike.
  void parse_sequence(std::size_t pos) {
    sequence_ = true;
    parse_items(pos, 0, true);
  }

  // rows × cols after dropping leading dimensions of size 1; fails for a true 3-D (or deeper) list.
  core::Matrix matrix(std::size_t start) const {
    std::vector<long long> shape = dims_;
    shape.resize(static_cast<std::size_t>(leaf_depth_ + 1));
    while (shape.size() > 2 && shape.front() == 1) shape.erase(shape.begin());
    if (shape.size() > 2) {
      std::string s;
      for (long long d : shape) s += (s.empty() ? "" : ", ") + std::to_string(d);
      fail_at(text_, start, "expected a 1-D or 2-D list, got one of shape (" + s + ")");
    }
    const long long rows = shape.size() == 2 ? shape[0] : 1;
    const long long cols = shape.back();
    check_rows(rows, limits_, text_, start);
    check_cols(cols, limits_, text_, start);
    return to_matrix(out_.values, rows, cols);
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  std::string_view word_at(std::size_t at) const {
    std::size_t end = at;
    while (end < text_.size() && !ends_word(text_[end])) ++end;
    if (end == at && at < text_.size()) ++end;  // a lone separator or bracket
    return text_.substr(at, end - at);
  }

  [[noreturn]] void fail_got(std::size_t at, const std::string& expected) const {
    if (at >= text_.size()) fail_at(text_, at, expected + ", got the end of the text");
    fail_at(text_, at, expected + ", got " + quote_user_text(word_at(at)));
  }

  // The items of one list: from after its '[' to its ']' or, `implicit`, from `at` to the end of the text.
  void parse_items(std::size_t at, int depth, bool implicit) {
    // brackets open at this list: its depth, plus one when the outermost list is a real one (array repr)
    if (depth + (sequence_ ? 0 : 1) > max_nesting)
      fail_at(text_, at, "lists nested more than " + std::to_string(max_nesting) + " deep");
    pos_ = implicit ? at : at + 1;
    if (dims_.size() <= static_cast<std::size_t>(depth)) dims_.resize(static_cast<std::size_t>(depth) + 1, -1);
    const char* const close = implicit ? "the end of the text" : "']'";
    long long count = 0;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) {
        if (implicit) break;
        fail_got(pos_, "expected a number or ']'");
      }
      const char c = text_[pos_];
      if (c == ']') {
        if (implicit) fail_got(pos_, "expected '[' or the end of the text");
        break;
      }
      if (c == '[') {
        if (leaf_depth_ == depth) fail_got(pos_, "expected a number");
        parse_items(pos_, depth + 1, false);
      } else {
        if (leaf_depth_ >= 0 && leaf_depth_ != depth) fail_got(pos_, "expected a list [...]");
        if (c == ',') fail_got(pos_, "expected a number");
        leaf_depth_ = depth;
        const std::size_t start = pos_;
        const std::string_view word = word_at(start);
        const double v = number_at(text_, start, word);
        check_cols(count + 1, limits_, text_, start);
        out_.add(v, text_, start);
        pos_ = start + word.size();
      }
      ++count;
      const std::size_t before = pos_;
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;  // a trailing comma is fine: the loop then meets the end of the list
      }
      if (pos_ >= text_.size() && implicit) break;
      if (pos_ < text_.size() && text_[pos_] == ']' && !implicit) break;
      // whitespace alone separates items too (numpy's str form)
      if (pos_ == before || pos_ >= text_.size() || text_[pos_] == ']')
        fail_got(pos_, std::string("expected ',' or ") + close);
    }
    if (!implicit) ++pos_;  // past ']'
    if (count == 0) fail_at(text_, at, "expected a number or a list, got an empty list []");
    long long& expected = dims_[static_cast<std::size_t>(depth)];
    if (expected < 0) {
      expected = count;
    } else if (count != expected) {
      const bool leaf = leaf_depth_ == depth;
      // a row of numbers, or (3-D and deeper) a block of rows
      fail_at(text_, at, leaf ? "expected " + numbers_phrase(expected) + " (like row 1), got " + std::to_string(count)
                              : "expected " + std::to_string(expected) + (expected == 1 ? " list" : " lists") +
                                    " (like the first block), got " + std::to_string(count));
    }
  }

  std::string_view text_;
  const ImportLimits& limits_;
  Collector out_;
  std::vector<long long> dims_;  // per depth: the length of the first list closed there, -1 before
  int leaf_depth_ = -1;          // the depth holding numbers, once the first number is read
  std::size_t pos_ = 0;
  bool sequence_ = false;  // parse_sequence: depth 0 has no bracket of its own
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '.';
}

// After the list of array(...): `, dtype=float32`, `, requires_grad=True`, ... then ')'.
std::size_t parse_repr_tail(std::string_view text, std::size_t pos, std::size_t open) {
  const auto skip = [&] { while (pos < text.size() && is_space(text[pos])) ++pos; };
  const auto got = [&](std::size_t at) {
    if (at >= text.size()) return std::string("the end of the text");
    std::size_t end = at;
    while (end < text.size() && !is_space(text[end])) ++end;
    return quote_user_text(text.substr(at, std::max<std::size_t>(end - at, 1)));
  };
  for (;;) {
    skip();
    if (pos < text.size() && text[pos] == ')') return pos + 1;
    if (pos >= text.size() || text[pos] != ',')
      fail_at(text, pos, "expected ')' to close the bracket at " + [&] {
        const Position p = position_of(text, open);
        return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
      }() + ", got " + got(pos));
    ++pos;
    skip();
    if (pos < text.size() && text[pos] == ')') return pos + 1;
    const std::size_t name = pos;
    while (pos < text.size() && is_name_char(text[pos])) ++pos;
    if (pos == name || pos >= text.size() || text[pos] != '=')
      fail_at(text, name, "expected a keyword such as dtype=float32, got " + got(name));
    ++pos;
    // the value: anything up to the next ',' or ')' outside brackets and quotes (float32, 'float32', <AddBackward0>)
    int depth = 0;
    char quote = 0;
    const std::size_t value = pos;
    for (; pos < text.size(); ++pos) {
      const char c = text[pos];
      if (quote) { if (c == quote) quote = 0; continue; }
      if (c == '\'' || c == '"') quote = c;
      else if (c == '(' || c == '[' || c == '<' || c == '{') ++depth;
      else if (c == ')' && depth == 0) break;
      else if (c == ')' || c == ']' || c == '>' || c == '}') --depth;
      else if (c == ',' && depth == 0) break;
    }
    if (pos == value) fail_at(text, value, "expected a value after '=', got " + got(value));
  }
}

// [SECTION] detection ---------------------------------------------------------------------------------

// Tabs make the text TSV when no tab-separated field has a space inside it (columns aligned with a mix of
// tabs and spaces are whitespace-separated).
bool tabs_delimit(std::string_view text) {
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = 0;
    const std::size_t next = next_line(text, begin, end);
    for (std::size_t i = begin; i < end;) {
      std::size_t j = i;
      while (j < end && text[j] != '\t') ++j;
      std::size_t a = i, b = j;
      while (a < b && is_blank(text[a])) ++a;
      while (b > a && is_blank(text[b - 1])) --b;
      for (std::size_t k = a; k < b; ++k)
        if (is_blank(text[k])) return false;
      i = j + 1;
    }
    begin = next;
  }
  return true;
}

constexpr std::string_view repr_names[] = {"array", "np.array", "numpy.array", "tensor", "torch.tensor"};

PastedMatrix parse_bracketed(std::string_view text, std::size_t start, const ImportLimits& limits) {
  std::size_t pos = start;
  bool repr = false;
  std::size_t open = 0;
  if (text[pos] != '[') {  // name( … )
    while (text[pos] != '(') ++pos;
    open = pos++;
    repr = true;
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size() || text[pos] != '[') {
      std::size_t end = pos;
      while (end < text.size() && !ends_word(text[end])) ++end;
      if (pos >= text.size()) fail_at(text, pos, "expected '[', got the end of the text");
      fail_at(text, pos, "expected '[', got " + quote_user_text(text.substr(pos, std::max<std::size_t>(end - pos, 1))));
    }
  }
  ListParser lists(text, limits);
  if (repr) {
    pos = parse_repr_tail(text, lists.parse_list(pos), open);
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos < text.size()) {
      std::size_t end = pos;
      while (end < text.size() && !is_space(text[end])) ++end;
      fail_at(text, pos, "expected the end of the text after the array, got " + quote_user_text(text.substr(pos, end - pos)));
    }
  } else {
    lists.parse_sequence(pos);
  }
  return {lists.matrix(start), repr ? PasteFormat::array_repr : PasteFormat::python_list};
}

}  // namespace

std::optional<std::string> read_cell_text(std::string_view text, double& value) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return read_number(text, value);
}

bool could_become_number(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E' || is_blank(c))) return false;
  return true;
}

const char* paste_format_name(PasteFormat format) {
  switch (format) {
    case PasteFormat::csv: return "CSV";
    case PasteFormat::tsv: return "TSV";
    case PasteFormat::whitespace: return "whitespace-separated";
    case PasteFormat::python_list: return "Python list";
    case PasteFormat::array_repr: return "NumPy/PyTorch repr";
  }
  return "?";
}

PastedMatrix parse_paste(std::string_view text, const ImportLimits& limits) {
  if (text.size() > limits.max_bytes)
    fail("the text is " + std::to_string(text.size()) + " bytes, over the limit of " + std::to_string(limits.max_bytes));
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte order mark is not a column
  // A NUL is no character of any format (and text passed on as a C string would end there): refused where it is.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    fail_at(text, nul, "a NUL byte (\\x00), which pasted text cannot hold");
  std::size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  if (start >= text.size()) fail("the text is empty (expected rows of numbers, a Python list or a NumPy array)");
  if (text[start] == '[') return parse_bracketed(text, start, limits);
  std::size_t name_end = start;
  while (name_end < text.size() && is_name_char(text[name_end])) ++name_end;
  if (name_end < text.size() && text[name_end] == '(')
    for (std::string_view name : repr_names)
      if (text.substr(start, name_end - start) == name) return parse_bracketed(text, start, limits);
  if (text.find('\t') != std::string_view::npos && tabs_delimit(text))
    return parse_rows(text, '\t', PasteFormat::tsv, limits);
  if (text.find(',') != std::string_view::npos) return parse_rows(text, ',', PasteFormat::csv, limits);
  return parse_rows(text, 0, PasteFormat::whitespace, limits);
}

core::Matrix parse_pasted_matrix(std::string_view text, const ImportLimits& limits) {
  return parse_paste(text, limits).matrix;
}

}  // namespace ap::io
