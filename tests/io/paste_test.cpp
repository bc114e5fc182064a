// Pasted matrices (io/paste_parser): every accepted form with its detected format and exact numbers, and
// malformed text with the exact message each gives (line and column 1-based, columns in characters).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/paste_parser.hpp"

namespace {

using ap::core::Matrix;
using ap::io::ImportLimits;
using ap::io::PasteFormat;
using ap::io::parse_paste;

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

// The message parse_paste throws for `text`, or "(no error)".
std::string error_of(std::string_view text, const ImportLimits& limits = {}) {
  try {
    parse_paste(text, limits);
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "(no error)";
}

struct Accepted {
  const char* text;
  PasteFormat format;
  Matrix matrix;
};

struct Refused {
  std::string text;
  std::string message;
};

}  // namespace

TEST_CASE("paste: every accepted form, detected from the text") {
  const Matrix m22 = rows({{1, 2}, {3, 4}});
  const Matrix m23 = rows({{1, 2, 3}, {4, 5, 6}});
  const std::vector<Accepted> cases = {
      {"1,2,3\n4,5,6\n", PasteFormat::csv, m23},
      {"1, 2 ,3\r\n4,5,6\r\n", PasteFormat::csv, m23},
      {"1,2,3,\n4,5,6,\n", PasteFormat::csv, m23},  // a trailing comma ends the line
      {"\"1\",\"2\",\"3\"\n\"4\",\"5\",\"6\"", PasteFormat::csv, m23},  // spreadsheets may quote numbers
      {"1,2,3", PasteFormat::csv, rows({{1, 2, 3}})},
      {"1\t2\n3\t4", PasteFormat::tsv, m22},
      {"1\t2\t\n3\t4\t\n", PasteFormat::tsv, m22},
      {" 1 \t 2\n3\t4", PasteFormat::tsv, m22},
      {"1 2 3\n4 5 6", PasteFormat::whitespace, m23},
      {"\n\n   1    2   3\n\n\t4 5    6   \n\n", PasteFormat::whitespace, m23},
      {"# numpy.savetxt header\n1 2\n# middle\n3 4\n", PasteFormat::whitespace, m22},
      {"1\t2 3\n4 5\t6", PasteFormat::whitespace, m23},  // tabs and spaces mixed: whitespace, not TSV
      {"1 2\r3 4", PasteFormat::whitespace, m22},          // old Mac line ends
      {"42", PasteFormat::whitespace, rows({{42}})},
      {"\xEF\xBB\xBF" "1 2\n3 4", PasteFormat::whitespace, m22},  // a byte order mark
      {"[[1, 2], [3, 4]]", PasteFormat::python_list, m22},
      {"[[1, 2,], [3, 4,],]", PasteFormat::python_list, m22},
      {"[\n  [1, 2],\n  [3, 4]\n]\n", PasteFormat::python_list, m22},
      {"[1, 2, 3]", PasteFormat::python_list, rows({{1, 2, 3}})},
      {"[1.5]", PasteFormat::python_list, rows({{1.5}})},
      {"[[1. 2.]\n [3. 4.]]", PasteFormat::python_list, m22},  // numpy's str form: no commas
      {"[1, 2]\n[3, 4]\n", PasteFormat::python_list, m22},     // one list per row
      {"[1, 2],\n[3, 4],", PasteFormat::python_list, m22},
      {"[[[1, 2, 3]]]", PasteFormat::python_list, rows({{1, 2, 3}})},  // leading size-1 dimensions dropped
      {"[[[1, 2], [3, 4]]]", PasteFormat::python_list, m22},
      {"array([[1., 2.],\n       [3., 4.]], dtype=float32)", PasteFormat::array_repr, m22},
      {"array([1, 2, 3])", PasteFormat::array_repr, rows({{1, 2, 3}})},
      {"array([[ 1.00000000e+00, -2.50000000e-01]])", PasteFormat::array_repr, rows({{1, -0.25}})},
      {"np.array([[1, 2], [3, 4]])", PasteFormat::array_repr, m22},
      {"numpy.array([1,2,3,],)", PasteFormat::array_repr, rows({{1, 2, 3}})},
      {"tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64, requires_grad=True)", PasteFormat::array_repr, m22},
      {"tensor([[ 0.5000, -1.2500]], grad_fn=<AddBackward0>)", PasteFormat::array_repr, rows({{0.5, -1.25}})},
      {"torch.tensor([1., 2.], dtype='float32')\n", PasteFormat::array_repr, rows({{1, 2}})},
      {"  array( [1, 2] )  ", PasteFormat::array_repr, rows({{1, 2}})},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto got = parse_paste(c.text);
    CHECK(got.format == c.format);
    CHECK(got.matrix == c.matrix);
  }
}

TEST_CASE("paste: number spellings read as the nearest double") {
  const Matrix m = parse_paste("+1 -2 .5 5. 1e3 1E-3 0.1 4.9e-324 1e-400 -0 1.7976931348623157e308").matrix;
  REQUIRE(m.rows() == 1);
  REQUIRE(m.cols() == 11);
  CHECK(m(0, 0) == 1.0);
  CHECK(m(0, 1) == -2.0);
  CHECK(m(0, 2) == 0.5);
  CHECK(m(0, 3) == 5.0);
  CHECK(m(0, 4) == 1000.0);
  CHECK(m(0, 5) == 0.001);
  CHECK(m(0, 6) == 0.1);
  CHECK(m(0, 7) == std::numeric_limits<double>::denorm_min());
  CHECK(m(0, 8) == 0.0);  // underflow: the nearest double
  CHECK(m(0, 9) == 0.0);
  CHECK(std::signbit(m(0, 9)));
  CHECK(m(0, 10) == std::numeric_limits<double>::max());
}

TEST_CASE("paste: malformed text names the line and column") {
  const std::vector<Refused> cases = {
      {"", "paste: the text is empty (expected rows of numbers, a Python list or a NumPy array)"},
      {"  \n\t\r\n", "paste: the text is empty (expected rows of numbers, a Python list or a NumPy array)"},
      {"# only a comment\n", "paste: no numbers found (expected rows of numbers, a Python list or a NumPy array)"},
      // rows of different lengths
      {"1,2,3,4\n1,2,3\n", "paste: line 2: expected 4 numbers (like line 1), got 3"},
      {"# c\n\n1 2\n1 2 3", "paste: line 4: expected 2 numbers (like line 3), got 3"},
      {"1\t2\n3\t4\t5", "paste: line 2: expected 2 numbers (like line 1), got 3"},
      {"1\n2 3", "paste: line 2: expected 1 number (like line 1), got 2"},
      // not numbers
      {"1, 2, 3\n4, 5, 6\n7, 8, abc\n", "paste: line 3, column 7: expected a number, got \"abc\""},
      {"1 2\nx 4", "paste: line 2, column 1: expected a number, got \"x\""},
      {"1.2.3", "paste: line 1, column 1: expected a number, got \"1.2.3\""},
      {"0x10 1", "paste: line 1, column 1: expected a number, got \"0x10\""},
      {"1_000", "paste: line 1, column 1: expected a number, got \"1_000\""},
      {"1e 2", "paste: line 1, column 1: expected a number, got \"1e\""},
      {"- 1", "paste: line 1, column 1: expected a number, got \"-\""},
      {"1,2\n3, 4 5\n", "paste: line 2, column 4: expected a number, got \"4 5\""},
      {"1,,2", "paste: line 1, column 3: expected a number, got an empty field"},
      {",1", "paste: line 1, column 1: expected a number, got an empty field"},
      {"1\t\t2", "paste: line 1, column 3: expected a number, got an empty field"},
      {"a,b\n1,2", "paste: line 1, column 1: expected a number, got \"a\""},
      {"1 \"2\"", "paste: line 1, column 3: expected a number, got \"\\\"2\\\"\""},
      // NaN, infinities, overflow
      {"1 2\n\n3 nan", "paste: line 3, column 3: expected a finite number, got nan (NaN and infinities are not accepted)"},
      {"-inf 2", "paste: line 1, column 1: expected a finite number, got -inf (NaN and infinities are not accepted)"},
      {"1,Infinity", "paste: line 1, column 3: expected a finite number, got Infinity (NaN and infinities are not accepted)"},
      {"[1, NaN]", "paste: line 1, column 5: expected a finite number, got NaN (NaN and infinities are not accepted)"},
      {"array([inf])", "paste: line 1, column 8: expected a finite number, got inf (NaN and infinities are not accepted)"},
      {"1e999", "paste: line 1, column 1: expected a finite number, got \"1e999\" (beyond the range of a double)"},
      {"1 -2e308", "paste: line 1, column 3: expected a finite number, got \"-2e308\" (beyond the range of a double)"},
      // lists
      {"[[1,2],[3]]", "paste: line 1, column 8: expected 2 numbers (like row 1), got 1"},
      {"[[1, 2],\n [3, 4, 5]]", "paste: line 2, column 2: expected 2 numbers (like row 1), got 3"},
      {"[1, 2]\n[3]", "paste: line 2, column 1: expected 2 numbers (like row 1), got 1"},
      {"[[1,2],3]", "paste: line 1, column 8: expected a list [...], got \"3\""},
      {"[1, 2] 3", "paste: line 1, column 8: expected a list [...], got \"3\""},
      {"[1,[2]]", "paste: line 1, column 4: expected a number, got \"[\""},
      {"[]", "paste: line 1, column 1: expected a number or a list, got an empty list []"},
      {"[[1], []]", "paste: line 1, column 7: expected a number or a list, got an empty list []"},
      {"[[1,2]", "paste: line 1, column 7: expected ',' or ']', got the end of the text"},
      {"[1,", "paste: line 1, column 4: expected a number or ']', got the end of the text"},
      {"[[1,2]]]", "paste: line 1, column 8: expected ',' or the end of the text, got \"]\""},
      {"]", "paste: line 1, column 1: expected a number, got \"]\""},
      {"[1,,2]", "paste: line 1, column 4: expected a number, got \",\""},
      {"[[1][2]]", "paste: line 1, column 5: expected ',' or ']', got \"[\""},
      {"[1; 2]", "paste: line 1, column 2: expected a number, got \"1;\""},
      {"[1, 2)", "paste: line 1, column 6: expected ',' or ']', got \")\""},
      {"[[[1,2],[3,4]],[[5,6],[7,8]]]", "paste: line 1, column 1: expected a 1-D or 2-D list, got one of shape (2, 2, 2)"},
      {"[[[1,2]],[[3,4],[5,6]]]", "paste: line 1, column 10: expected 1 list (like the first block), got 2"},
      {"[1,\n 2,\n abc]", "paste: line 3, column 2: expected a number, got \"abc\""},
      {"[True, False]", "paste: line 1, column 2: expected a number, got \"True\""},
      {std::string(40, '[') + "1" + std::string(40, ']'), "paste: line 1, column 33: lists nested more than 32 deep"},
      // array reprs
      {"array([1,2]", "paste: line 1, column 12: expected ')' to close the bracket at line 1, column 6, got the end of the text"},
      {"array([1, 2], dtype=float32", "paste: line 1, column 28: expected ')' to close the bracket at line 1, column 6, got the end of the text"},
      {"array([1, 2]) x", "paste: line 1, column 15: expected the end of the text after the array, got \"x\""},
      {"array(5)", "paste: line 1, column 7: expected '[', got \"5\""},
      {"array(", "paste: line 1, column 7: expected '[', got the end of the text"},
      {"array([1, 2], float32)", "paste: line 1, column 15: expected a keyword such as dtype=float32, got \"float32)\""},
      {"array([1, 2], dtype=)", "paste: line 1, column 21: expected a value after '=', got \")\""},
      {"array([1, 2] dtype=float32)", "paste: line 1, column 14: expected ')' to close the bracket at line 1, column 6, got \"dtype=float32)\""},
      {"array([0., 1., ..., 9.])", "paste: line 1, column 16: expected a number, got \"...\" (a summarized print: print the whole "
                                   "array, for example after np.set_printoptions(threshold=sys.maxsize))"},
      {"matrix([[1, 2]])", "paste: line 1, column 1: expected a number, got \"matrix([[1\""},
      // characters, not bytes; user text quoted, escaped and cut
      {"array([1, 2], dtype='é', x)", "paste: line 1, column 26: expected a keyword such as dtype=float32, got \"x)\""},
      {"1 héllo", "paste: line 1, column 3: expected a number, got \"héllo\""},
      {"é,x", "paste: line 1, column 1: expected a number, got \"é\""},
      {"1,é,x", "paste: line 1, column 3: expected a number, got \"é\""},
      {"1 2\n3 \xFF", "paste: line 2, column 3: expected a number, got \"\\xFF\""},
      {"1," + std::string(60, 'z'), "paste: line 1, column 3: expected a number, got \"" + std::string(40, 'z') + "...\""},
      {"1,\"a\x01\"", "paste: line 1, column 3: expected a number, got \"a\\x01\""},
      {"1 2\n3 a\tb\n", "paste: line 2, column 3: expected a number, got \"a\""},
      // a lone surrogate (the page writes one as its three bytes, WTF-8) and overlong forms: bytes, not another character
      {"1,\xED\xA0\x80", "paste: line 1, column 3: expected a number, got \"\\xED\\xA0\\x80\""},
      {"1,\xED\xB0\x80,2", "paste: line 1, column 3: expected a number, got \"\\xED\\xB0\\x80\""},
      {"1,\xC0\xB1", "paste: line 1, column 3: expected a number, got \"\\xC0\\xB1\""},
      {"1,\xE0\x80\xB1", "paste: line 1, column 3: expected a number, got \"\\xE0\\x80\\xB1\""},
      {"1,\xF4\x90\x80\x80", "paste: line 1, column 3: expected a number, got \"\\xF4\\x90\\x80\\x80\""},
      // a NUL byte, wherever it is, with what follows it (a C string would have ended there)
      {std::string("1\0,2\n3,4", 9), "paste: line 1, column 2: a NUL byte (\\x00), which pasted text cannot hold"},
      {std::string("1,2\n3,4\0", 8), "paste: line 2, column 4: a NUL byte (\\x00), which pasted text cannot hold"},
      {std::string("\0", 1), "paste: line 1, column 1: a NUL byte (\\x00), which pasted text cannot hold"},
      {std::string("[1, 2]\0[3]", 10), "paste: line 1, column 7: a NUL byte (\\x00), which pasted text cannot hold"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(error_of(c.text) == c.message);
  }
}

TEST_CASE("paste: the limits hold while counting, before the matrix exists") {
  ImportLimits small;
  small.max_bytes = 10;
  CHECK(error_of("1 2 3 4 5 6", small) == "paste: the text is 11 bytes, over the limit of 10");
  ImportLimits two_rows;
  two_rows.max_rows = 2;
  CHECK(error_of("1\n2\n3\n", two_rows) == "paste: line 3, column 1: more than 2 rows (the limit)");
  CHECK(error_of("[[1], [2], [3]]", two_rows) == "paste: line 1, column 1: more than 2 rows (the limit)");
  CHECK(parse_paste("1\n2\n", two_rows).matrix.rows() == 2);
  ImportLimits two_cols;
  two_cols.max_cols = 2;
  CHECK(error_of("1 2 3", two_cols) == "paste: line 1, column 5: more than 2 numbers in a row (the limit)");
  CHECK(error_of("[[1, 2, 3]]", two_cols) == "paste: line 1, column 9: more than 2 numbers in a row (the limit)");
  ImportLimits five;
  five.max_elements = 5;
  CHECK(error_of("1 2\n3 4\n5 6", five) == "paste: line 3, column 3: more than 5 numbers (the limit of a matrix)");
  CHECK(error_of("[1, 2, 3, 4, 5, 6]", five) == "paste: line 1, column 17: more than 5 numbers (the limit of a matrix)");

  // The defaults come from core/limits.hpp: 65536 numbers a row at most.
  std::string wide;
  for (int k = 0; k < ap::io::max_import_side + 1; ++k) wide += "0 ";
  CHECK(error_of(wide) == "paste: line 1, column 131073: more than 65536 numbers in a row (the limit)");
}

TEST_CASE("paste: the matrix alone") {
  CHECK(ap::io::parse_pasted_matrix("1 2\n3 4") == rows({{1, 2}, {3, 4}}));
  CHECK(std::strcmp(ap::io::paste_format_name(PasteFormat::array_repr), "NumPy/PyTorch repr") == 0);
  CHECK(std::strcmp(ap::io::paste_format_name(PasteFormat::tsv), "TSV") == 0);
}
