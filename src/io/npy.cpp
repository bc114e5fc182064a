// .npy bytes in and out. The layout (numpy.lib.format):
//   "\x93NUMPY", major, minor, header length (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0),
//   the header: a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
//   padded with spaces and ending in '\n', then the data, nothing after it.
// Every offset is checked against the buffer before it is read; sizes against the limits before anything
// is allocated.
#include "io/npy.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "io/user_text.hpp"

namespace ap::io {

using core::InputError;

namespace {

constexpr const char* field = "npy";
constexpr std::string_view magic = "\x93NUMPY";
constexpr std::size_t max_header_bytes = std::size_t{1} << 20;  // numpy writes ~100; anything this long is not ours
constexpr std::size_t max_dims = 32;                            // numpy's own limit (NPY_MAXDIMS)

[[noreturn]] void fail(const std::string& message) { throw InputError(field, message); }

std::uint32_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < width; ++k) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
  return v;
}

// [SECTION] the header dict

struct Header {
  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<std::vector<unsigned long long>> shape;
};

// A recursive-descent reader of the dict literal numpy writes (strings, True/False, tuples of integers).
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  Header parse() {
    Header h;
    skip();
    expect('{', "'{' (the header is a Python dict)");
    for (;;) {
      skip();
      if (peek('}')) break;
      const std::size_t key_at = pos_;
      const std::string key = string("a key in quotes");
      skip();
      expect(':', "':' after the key " + quote_user_text(key));
      skip();
      if (key == "descr") {
        if (h.descr) fail_at(key_at, "the key 'descr' appears twice");
        if (peek('[') || peek('('))
          fail_at(pos_, "structured dtypes (a list of fields) are not supported: expected float32 or float64");
        h.descr = string("the dtype in quotes, like '<f8'");
      } else if (key == "fortran_order") {
        if (h.fortran_order) fail_at(key_at, "the key 'fortran_order' appears twice");
        h.fortran_order = boolean();
      } else if (key == "shape") {
        if (h.shape) fail_at(key_at, "the key 'shape' appears twice");
        h.shape = tuple();
      } else {
        fail_at(key_at, "unknown key " + quote_user_text(key) + " (expected 'descr', 'fortran_order' and 'shape')");
      }
      skip();
      if (peek(',')) { ++pos_; continue; }
      if (peek('}')) break;
      fail_got("',' or '}'");
    }
    ++pos_;  // '}'
    skip();
    if (pos_ < text_.size()) fail_got("the end of the header after '}'");
    if (!h.descr) fail("the header has no 'descr' (the dtype)");
    if (!h.fortran_order) fail("the header has no 'fortran_order'");
    if (!h.shape) fail("the header has no 'shape'");
    return h;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void skip() { while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_; }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
    fail("header, column " + std::to_string(at + 1) + ": " + message);
  }
  [[noreturn]] void fail_got(const std::string& expected) const {
    if (pos_ >= text_.size()) fail_at(pos_, "expected " + expected + ", got the end of the header");
    std::size_t end = pos_ + 1;
    while (end < text_.size() && !is_space(text_[end]) && end - pos_ < 12) ++end;
    fail_at(pos_, "expected " + expected + ", got " + quote_user_text(text_.substr(pos_, end - pos_)));
  }
  void expect(char c, const std::string& what) {
    if (!peek(c)) fail_got(what);
    ++pos_;
  }

  std::string string(const std::string& what) {
    if (!peek('\'') && !peek('"')) fail_got(what);
    const char quote = text_[pos_];
    const std::size_t begin = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') fail_at(pos_, "escapes in header strings are not supported");
      ++pos_;
    }
    if (pos_ >= text_.size()) fail_at(begin - 1, "a string that is never closed");
    return std::string(text_.substr(begin, pos_++ - begin));
  }

  bool boolean() {
    if (text_.substr(pos_, 4) == "True") { pos_ += 4; return true; }
    if (text_.substr(pos_, 5) == "False") { pos_ += 5; return false; }
    fail_got("True or False");
  }

  // (), (3,), (3, 4), (3, 4,); Python 2 files may write 3L.
  std::vector<unsigned long long> tuple() {
    const std::size_t open = pos_;
    expect('(', "a tuple like (3, 4)");
    std::vector<unsigned long long> dims;
    bool comma_after_last = false;
    for (;;) {
      skip();
      if (peek(')')) break;
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') fail_got("a dimension (a whole number)");
      const std::size_t at = pos_;
      unsigned long long d = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const unsigned digit = static_cast<unsigned>(text_[pos_++] - '0');
        if (d > (std::uint64_t{1} << 60) / 10) fail_at(at, "a dimension too large to be real");
        d = d * 10 + digit;
      }
      if (peek('L')) ++pos_;
      if (dims.size() >= max_dims) fail_at(at, "more than " + std::to_string(max_dims) + " dimensions");
      dims.push_back(d);
      skip();
      comma_after_last = peek(',');
      if (comma_after_last) { ++pos_; continue; }
      if (peek(')')) break;
      fail_got("',' or ')'");
    }
    ++pos_;  // ')'
    if (dims.size() == 1 && !comma_after_last)
      fail_at(open, "(" + std::to_string(dims[0]) + ") is a number, not a tuple: a 1-D shape is written (" +
                        std::to_string(dims[0]) + ",)");
    return dims;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string shape_text(const std::vector<unsigned long long>& dims) {
  std::string s = "(";
  for (std::size_t k = 0; k < dims.size(); ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

// [SECTION] the numbers

// std::bit_cast, which Emscripten 3.1's libc++ lacks.
template <class To, class From>
To cast_bits(const From& from) {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

template <class Bits>
Bits load(const char* p, bool swap) {
  Bits v;
  std::memcpy(&v, p, sizeof v);
  if (swap) {
    if constexpr (sizeof(Bits) == 4) v = static_cast<Bits>(__builtin_bswap32(v));
    else v = static_cast<Bits>(__builtin_bswap64(v));
  }
  return v;
}

double element(const char* p, bool is_f8, bool swap) {
  if (is_f8) return cast_bits<double>(load<std::uint64_t>(p, swap));
  return static_cast<double>(cast_bits<float>(load<std::uint32_t>(p, swap)));
}

}  // namespace

core::Matrix read_npy(std::string_view bytes, const ImportLimits& limits) {
  if (bytes.size() > limits.max_bytes)
    fail("the file is " + std::to_string(bytes.size()) + " bytes, over the limit of " + std::to_string(limits.max_bytes));
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    fail("not a .npy file (it does not start with \\x93NUMPY)");
  if (bytes.size() < 8) fail("the file ends inside its version (8 bytes needed, the file has " + std::to_string(bytes.size()) + ")");
  const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail("format version " + std::to_string(major) + "." + std::to_string(minor) +
         " is not supported (1.0, 2.0 and 3.0 are)");
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t header_at = 8 + length_width;
  if (bytes.size() < header_at)
    fail("the file ends inside its header length (" + std::to_string(header_at) + " bytes needed, the file has " +
         std::to_string(bytes.size()) + ")");
  const std::size_t header_len = read_le(bytes, 8, length_width);
  if (header_len > max_header_bytes)
    fail("a header of " + std::to_string(header_len) + " bytes is over the limit of " + std::to_string(max_header_bytes));
  if (bytes.size() - header_at < header_len)
    fail("the header needs " + std::to_string(header_len) + " bytes, the file has " +
         std::to_string(bytes.size() - header_at) + " after the header length");
  const std::string_view header_text = bytes.substr(header_at, header_len);
  for (std::size_t k = 0; k < header_text.size(); ++k) {
    const auto c = static_cast<unsigned char>(header_text[k]);
    if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))
      fail("header, column " + std::to_string(k + 1) + ": unexpected byte " +
           quote_user_text(header_text.substr(k, 1)) + " (the header is ASCII text)");
  }
  const Header header = HeaderParser(header_text).parse();

  const std::string& descr = *header.descr;
  const bool known = descr.size() == 3 && (descr[0] == '<' || descr[0] == '>') && descr[1] == 'f' &&
                     (descr[2] == '4' || descr[2] == '8');
  if (!known)
    fail("dtype " + quote_user_text(descr) +
         " is not supported (expected float32 or float64: '<f4', '<f8', '>f4', '>f8'; convert with "
         "a.astype(np.float64))");
  const bool is_f8 = descr[2] == '8';
  const std::size_t item = is_f8 ? 8 : 4;
  const bool swap = (descr[0] == '<') != (std::endian::native == std::endian::little);

  const std::vector<unsigned long long>& shape = *header.shape;
  const std::string shape_s = shape_text(shape);
  if (shape.empty()) fail("shape () is a single number (a 0-D array), expected 1-D or 2-D");
  for (unsigned long long d : shape)
    if (d == 0) fail("shape " + shape_s + " holds no numbers");
  std::size_t lead = 0;  // leading dimensions of size 1, dropped
  while (shape.size() - lead > 2 && shape[lead] == 1) ++lead;
  if (shape.size() - lead > 2) fail("shape " + shape_s + " has " + std::to_string(shape.size()) + " dimensions, expected 1-D or 2-D");
  const unsigned long long rows = shape.size() - lead == 2 ? shape[lead] : 1;
  const unsigned long long cols = shape.back();
  if (rows > static_cast<unsigned long long>(limits.max_rows))
    fail("shape " + shape_s + ": " + std::to_string(rows) + " rows exceed the limit of " + std::to_string(limits.max_rows));
  if (cols > static_cast<unsigned long long>(limits.max_cols))
    fail("shape " + shape_s + ": " + std::to_string(cols) + " columns exceed the limit of " + std::to_string(limits.max_cols));
  const unsigned long long count = rows * cols;  // each ≤ 2^60 / 10 and the limits are small: no overflow
  if (count > limits.max_elements)
    fail("shape " + shape_s + " holds " + std::to_string(count) + " numbers, over the limit of " +
         std::to_string(limits.max_elements));

  const std::size_t data_at = header_at + header_len;
  const std::size_t have = bytes.size() - data_at;
  const unsigned long long need = count * item;
  if (need != have)
    fail("shape " + shape_s + " needs " + std::to_string(need) + " bytes of " + (is_f8 ? "float64" : "float32") +
         ", the file has " + std::to_string(have));

  const char* data = bytes.data() + data_at;
  const auto r_count = static_cast<Eigen::Index>(rows), c_count = static_cast<Eigen::Index>(cols);
  core::Matrix m(r_count, c_count);
  for (Eigen::Index i = 0; i < r_count; ++i) {
    for (Eigen::Index j = 0; j < c_count; ++j) {
      const auto index = static_cast<std::size_t>(*header.fortran_order ? j * r_count + i : i * c_count + j);
      const double v = element(data + index * item, is_f8, swap);
      if (!std::isfinite(v)) {
        std::string at = "[";
        for (std::size_t k = 0; k < lead; ++k) at += "0, ";
        at += shape.size() - lead == 2 ? std::to_string(i) + ", " + std::to_string(j) : std::to_string(j);
        fail("element " + at + "] is " + (std::isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf") +
             " (only finite numbers are accepted)");
      }
      m(i, j) = v;
    }
  }
  return m;
}

std::string write_npy(const core::Matrix& matrix) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(matrix.rows()) + ", " +
                       std::to_string(matrix.cols()) + "), }";
  const std::size_t unpadded = magic.size() + 4 + header.size() + 1;  // + '\n'
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out(magic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.reserve(out.size() + static_cast<std::size_t>(matrix.size()) * 8);
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
      const auto bits = cast_bits<std::uint64_t>(matrix(i, j));
      for (int k = 0; k < 8; ++k) out += static_cast<char>((bits >> (8 * k)) & 0xFF);
    }
  }
  return out;
}

}  // namespace ap::io
