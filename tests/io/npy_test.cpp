// .npy files (io/npy): files built here byte by byte (every dtype, byte order, memory order and header
// version, and many malformed ones with their exact messages), files written by NumPy itself
// (tests/io/fixtures, see generate.py there), and write → read round trips bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/npy.hpp"
#include "support/bits.hpp"
#include "support/files.hpp"

namespace {

using ap::core::Matrix;
using ap::io::read_npy;
using ap::io::write_npy;

// Header length field, little-endian, `width` bytes.
std::string le(std::uint32_t v, int width) {
  std::string s;
  for (int k = 0; k < width; ++k) s += static_cast<char>((v >> (8 * k)) & 0xFF);
  return s;
}

// A .npy file: magic, version, header length, the header padded with spaces to a multiple of 64 and
// ending in '\n' (as NumPy writes it), then the data.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
  const int width = major == 1 ? 2 : 4;
  std::string header = dict;
  const std::size_t unpadded = 6 + 2 + width + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  return std::string("\x93NUMPY") + static_cast<char>(major) + '\0' + le(static_cast<std::uint32_t>(header.size()), width) +
         header + data;
}

std::string dict(const std::string& descr, bool fortran, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

// Values as raw bytes: float64 or float32, little- or big-endian.
std::string f8(const std::vector<double>& values, bool big = false) {
  std::string s;
  for (double v : values) {
    const auto bits = ap::test::bit_cast<std::uint64_t>(v);
    for (int k = 0; k < 8; ++k) s += static_cast<char>((bits >> (8 * (big ? 7 - k : k))) & 0xFF);
  }
  return s;
}

std::string f4(const std::vector<float>& values, bool big = false) {
  std::string s;
  for (float v : values) {
    const auto bits = ap::test::bit_cast<std::uint32_t>(v);
    for (int k = 0; k < 4; ++k) s += static_cast<char>((bits >> (8 * (big ? 3 - k : k))) & 0xFF);
  }
  return s;
}

Matrix rows(std::initializer_list<std::initializer_list<double>> values) {
  Matrix m(static_cast<Eigen::Index>(values.size()), static_cast<Eigen::Index>(values.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : values) {
    Eigen::Index j = 0;
    for (double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

std::string error_of(const std::string& bytes, const ap::io::ImportLimits& limits = {}) {
  try {
    read_npy(bytes, limits);
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "(no error)";
}

bool same_bits(const Matrix& a, const Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index k = 0; k < a.size(); ++k)
    if (ap::test::bit_cast<std::uint64_t>(a.data()[k]) != ap::test::bit_cast<std::uint64_t>(b.data()[k])) return false;
  return true;
}

std::string fixture(const std::string& name) { return ap::test::read_text_file(std::string(AP_IO_FIXTURES) + "/" + name); }

const std::vector<double> six = {1, 2, 3, 4, 5, 6};

}  // namespace

TEST_CASE("npy: every dtype, byte order and memory order") {
  const Matrix m23 = rows({{1, 2, 3}, {4, 5, 6}});
  CHECK(read_npy(npy(dict("<f8", false, "(2, 3)"), f8(six))) == m23);
  CHECK(read_npy(npy(dict(">f8", false, "(2, 3)"), f8(six, true))) == m23);
  CHECK(read_npy(npy(dict("<f4", false, "(2, 3)"), f4({1, 2, 3, 4, 5, 6}))) == m23);
  CHECK(read_npy(npy(dict(">f4", false, "(2, 3)"), f4({1, 2, 3, 4, 5, 6}, true))) == m23);
  // Fortran order: the data runs down the columns
  CHECK(read_npy(npy(dict("<f8", true, "(2, 3)"), f8({1, 4, 2, 5, 3, 6}))) == m23);
  CHECK(read_npy(npy(dict(">f4", true, "(2, 3)"), f4({1, 4, 2, 5, 3, 6}, true))) == m23);
  // 1-D is one row, whatever the order; leading dimensions of size 1 are dropped
  CHECK(read_npy(npy(dict("<f8", false, "(6,)"), f8(six))) == rows({{1, 2, 3, 4, 5, 6}}));
  CHECK(read_npy(npy(dict("<f8", true, "(6,)"), f8(six))) == rows({{1, 2, 3, 4, 5, 6}}));
  CHECK(read_npy(npy(dict("<f8", false, "(1, 2, 3)"), f8(six))) == m23);
  CHECK(read_npy(npy(dict("<f8", true, "(1, 1, 2, 3)"), f8({1, 4, 2, 5, 3, 6}))) == m23);
  CHECK(read_npy(npy(dict("<f8", false, "(1, 1, 6)"), f8(six))) == rows({{1, 2, 3, 4, 5, 6}}));
  CHECK(read_npy(npy(dict("<f8", false, "(6, 1)"), f8(six))) == rows({{1}, {2}, {3}, {4}, {5}, {6}}));
  // format versions 2.0 and 3.0: a 4-byte header length
  CHECK(read_npy(npy(dict("<f8", false, "(2, 3)"), f8(six), 2)) == m23);
  CHECK(read_npy(npy(dict("<f8", false, "(2, 3)"), f8(six), 3)) == m23);
}

TEST_CASE("npy: the header dict as any Python writer may spell it") {
  const Matrix m12 = rows({{1, 2}});
  const std::string data = f8({1, 2});
  const std::vector<std::string> dicts = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}",
      "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1, 2)}",
      "{'shape': (1, 2), 'fortran_order': False, 'descr': '<f8'}",
      "{'descr':'<f8','fortran_order':False,'shape':(1,2,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 2L), }",  // Python 2
      "  {  'descr' : '<f8' ,\t'fortran_order' : False , 'shape' : ( 1 , 2 ) , }  ",
  };
  for (const auto& d : dicts) {
    INFO(d);
    CHECK(read_npy(npy(d, data)) == m12);
  }
  // no padding and no newline at all
  CHECK(read_npy(std::string("\x93NUMPY\x01\x00", 8) + le(57, 2) + "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}" + data) == m12);
}

TEST_CASE("npy: files written by NumPy") {
  const Matrix a = rows({{-0.625, -0.375, -0.125}, {0.125, 0.375, 0.625}});
  CHECK(same_bits(read_npy(fixture("f8_c_2x3.npy")), a));
  CHECK(same_bits(read_npy(fixture("f4_big_fortran_3x2.npy")), Matrix(a.transpose())));
  CHECK(same_bits(read_npy(fixture("f8_1d_v2.npy")), rows({{1.5, -2.25, 1e-300, 3e300}})));
  CHECK(same_bits(read_npy(fixture("f4_1x1x4_v3.npy")),
                  rows({{static_cast<double>(0.1f), static_cast<double>(0.2f), static_cast<double>(0.3f),
                         static_cast<double>(0.4f)}})));
  CHECK(error_of(fixture("i8_unsupported.npy")) ==
        "npy: dtype \"<i8\" is not supported (expected float32 or float64: '<f4', '<f8', '>f4', '>f8'; convert "
        "with a.astype(np.float64))");
}

TEST_CASE("npy: write then read gives every number back bit for bit") {
  std::mt19937_64 rng(20240607);
  for (int trial = 0; trial < 20; ++trial) {
    const int r = 1 + static_cast<int>(rng() % 7), c = 1 + static_cast<int>(rng() % 9);
    Matrix m(r, c);
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      double v;
      do v = ap::test::bit_cast<double>(rng()); while (!std::isfinite(v));  // any finite bit pattern, subnormals too
      m.data()[k] = v;
    }
    m(0, 0) = -0.0;
    CHECK(same_bits(read_npy(write_npy(m)), m));
  }
}

TEST_CASE("npy: the writer's layout is NumPy's version 1.0") {
  const std::string bytes = write_npy(rows({{1, 2, 3}, {4, 5, 6}}));
  REQUIRE(bytes.size() == 128 + 48);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK(bytes.substr(8, 2) == le(118, 2));
  const std::string header = bytes.substr(10, 118);
  CHECK(header.rfind("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
  CHECK(header.back() == '\n');
  CHECK(bytes.substr(128) == f8(six));
  // byte for byte what np.save writes for the same array
  CHECK(write_npy(rows({{-0.625, -0.375, -0.125}, {0.125, 0.375, 0.625}})) == fixture("f8_c_2x3.npy"));
}

TEST_CASE("npy: malformed files, each with its message") {
  const std::string good_data = f8(six);
  struct Case {
    std::string bytes, message;
  };
  const std::vector<Case> cases = {
      // preamble
      {"", "npy: not a .npy file (it does not start with \\x93NUMPY)"},
      {"PK\x03\x04 a zip, perhaps an .npz", "npy: not a .npy file (it does not start with \\x93NUMPY)"},
      {"\x93NUMPX\x01\x00", "npy: not a .npy file (it does not start with \\x93NUMPY)"},
      {"\x93NUMPY", "npy: the file ends inside its version (8 bytes needed, the file has 6)"},
      {std::string("\x93NUMPY\x04\x00", 8) + le(10, 2), "npy: format version 4.0 is not supported (1.0, 2.0 and 3.0 are)"},
      {std::string("\x93NUMPY\x01\x01", 8) + le(10, 2), "npy: format version 1.1 is not supported (1.0, 2.0 and 3.0 are)"},
      {std::string("\x93NUMPY\x01\x00", 8) + "\x10", "npy: the file ends inside its header length (10 bytes needed, the file has 9)"},
      {std::string("\x93NUMPY\x02\x00\x10\x00", 10), "npy: the file ends inside its header length (12 bytes needed, the file has 10)"},
      {std::string("\x93NUMPY\x01\x00", 8) + le(118, 2) + "{'descr': ", "npy: the header needs 118 bytes, the file has 10 after the header length"},
      {std::string("\x93NUMPY\x02\x00", 8) + le(0xFFFFFFFF, 4) + "{", "npy: a header of 4294967295 bytes is over the limit of 1048576"},
      // the dict
      {npy("", ""), "npy: header, column 55: expected '{' (the header is a Python dict), got the end of the header"},
      {npy("['descr']", ""), "npy: header, column 1: expected '{' (the header is a Python dict), got \"['descr']\""},
      {npy("{'descr' '<f8'}", ""), "npy: header, column 10: expected ':' after the key \"descr\", got \"'<f8'}\""},
      {npy("{descr: '<f8'}", ""), "npy: header, column 2: expected a key in quotes, got \"descr:\""},
      {npy("{'descr: '<f8'}", ""), "npy: header, column 11: expected ':' after the key \"descr: \", got \"<f8'}\""},
      {npy("{'descr': '<f8", ""), "npy: header, column 11: a string that is never closed"},
      {npy("{'descr': '<\\f8'}", ""), "npy: header, column 13: escapes in header strings are not supported"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", good_data),
       "npy: header, column 59: unknown key \"extra\" (expected 'descr', 'fortran_order' and 'shape')"},
      {npy("{'descr': '<f8', 'descr': '<f8'}", ""), "npy: header, column 18: the key 'descr' appears twice"},
      {npy("{'shape': (6,), 'shape': (6,)}", ""), "npy: header, column 17: the key 'shape' appears twice"},
      {npy("{'fortran_order': True, 'fortran_order': True}", ""), "npy: header, column 25: the key 'fortran_order' appears twice"},
      {npy("{'fortran_order': False, 'shape': (2, 3)}", good_data), "npy: the header has no 'descr' (the dtype)"},
      {npy("{'descr': '<f8', 'shape': (2, 3)}", good_data), "npy: the header has no 'fortran_order'"},
      {npy("{'descr': '<f8', 'fortran_order': False}", good_data), "npy: the header has no 'shape'"},
      {npy("{'descr': '<f8', 'fortran_order': false, 'shape': (2, 3)}", good_data),
       "npy: header, column 35: expected True or False, got \"false,\""},
      {npy("{'descr': '<f8', 'fortran_order': False 'shape': (2, 3)}", good_data),
       "npy: header, column 41: expected ',' or '}', got \"'shape':\""},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} x", good_data),
       "npy: header, column 59: expected the end of the header after '}', got \"x\""},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}", good_data),
       "npy: header, column 51: expected a tuple like (3, 4), got \"[2,\""},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}", good_data),
       "npy: header, column 55: expected a dimension (a whole number), got \"-3)}\""},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2 3)}", good_data),
       "npy: header, column 54: expected ',' or ')', got \"3)}\""},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", good_data),
       "npy: header, column 51: (6) is a number, not a tuple: a 1-D shape is written (6,)"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", good_data),
       "npy: header, column 52: a dimension too large to be real"},
      {npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", ""),
       "npy: header, column 11: structured dtypes (a list of fields) are not supported: expected float32 or float64"},
      {npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\xC3\xA9", good_data),
       "npy: header, column 60: unexpected byte \"\\xC3\" (the header is ASCII text)"},
      {npy("{'descr': '<f8',\x01 'fortran_order': False, 'shape': (2, 3), }", good_data),
       "npy: header, column 17: unexpected byte \"\\x01\" (the header is ASCII text)"},
      // dtype
      {npy(dict("<i8", false, "(6,)"), good_data),
       "npy: dtype \"<i8\" is not supported (expected float32 or float64: '<f4', '<f8', '>f4', '>f8'; convert with "
       "a.astype(np.float64))"},
      {npy(dict("<f2", false, "(6,)"), good_data),
       "npy: dtype \"<f2\" is not supported (expected float32 or float64: '<f4', '<f8', '>f4', '>f8'; convert with "
       "a.astype(np.float64))"},
      {npy(dict("=f8", false, "(6,)"), good_data),
       "npy: dtype \"=f8\" is not supported (expected float32 or float64: '<f4', '<f8', '>f4', '>f8'; convert with "
       "a.astype(np.float64))"},
      // shape against the bytes and the limits
      {npy(dict("<f8", false, "(3, 4)"), f8(std::vector<double>(10, 1.0))), "npy: shape (3, 4) needs 96 bytes of float64, the file has 80"},
      {npy(dict("<f8", false, "(3, 4)"), f8(std::vector<double>(13, 1.0))), "npy: shape (3, 4) needs 96 bytes of float64, the file has 104"},
      {npy(dict("<f4", false, "(5,)"), f4({1, 2, 3})), "npy: shape (5,) needs 20 bytes of float32, the file has 12"},
      {npy(dict("<f8", false, "(2, 3)"), good_data + "x"), "npy: shape (2, 3) needs 48 bytes of float64, the file has 49"},
      {npy(dict("<f8", false, "()"), f8({1})), "npy: shape () is a single number (a 0-D array), expected 1-D or 2-D"},
      {npy(dict("<f8", false, "(0, 4)"), ""), "npy: shape (0, 4) holds no numbers"},
      {npy(dict("<f8", false, "(0,)"), ""), "npy: shape (0,) holds no numbers"},
      {npy(dict("<f8", false, "(2, 1, 3)"), good_data), "npy: shape (2, 1, 3) has 3 dimensions, expected 1-D or 2-D"},
      {npy(dict("<f8", false, "(100000, 1)"), ""), "npy: shape (100000, 1): 100000 rows exceed the limit of 65536"},
      {npy(dict("<f8", false, "(70000,)"), ""), "npy: shape (70000,): 70000 columns exceed the limit of 65536"},
      {npy(dict("<f8", false, "(3000, 3000)"), ""), "npy: shape (3000, 3000) holds 9000000 numbers, over the limit of 4194304"},
      {npy(dict("<f8", false, "(1000000000, 1000000000)"), ""),
       "npy: shape (1000000000, 1000000000): 1000000000 rows exceed the limit of 65536"},
      // the numbers
      {npy(dict("<f8", false, "(2, 3)"), f8({1, 2, 3, 4, 5, std::nan("")})), "npy: element [1, 2] is NaN (only finite numbers are accepted)"},
      {npy(dict("<f8", true, "(2, 3)"), f8({1, 2, 3, 4, std::nan(""), 6})), "npy: element [0, 2] is NaN (only finite numbers are accepted)"},
      {npy(dict(">f4", false, "(3,)"), f4({1, 2, std::numeric_limits<float>::infinity()}, true)),
       "npy: element [2] is inf (only finite numbers are accepted)"},
      {npy(dict("<f8", false, "(1, 1, 2)"), f8({-std::numeric_limits<double>::infinity(), 1})),
       "npy: element [0, 0, 0] is -inf (only finite numbers are accepted)"},
  };
  for (const auto& c : cases) {
    INFO(c.message);
    CHECK(error_of(c.bytes) == c.message);
  }
}

TEST_CASE("npy: the byte limit, and every truncation of a good file is refused") {
  ap::io::ImportLimits small;
  small.max_bytes = 100;
  CHECK(error_of(write_npy(rows({{1, 2, 3}, {4, 5, 6}})), small) == "npy: the file is 176 bytes, over the limit of 100");
  const std::string good = write_npy(rows({{1, 2, 3}, {4, 5, 6}}));
  for (std::size_t len = 0; len < good.size(); ++len) {
    INFO(len);
    CHECK(error_of(good.substr(0, len)) != "(no error)");
  }
}
