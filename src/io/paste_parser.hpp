// A matrix pasted as text, in whichever form the user copied it, detected from the text itself:
//   CSV            1, 2, 3          (a trailing comma on a line is ignored; "quoted" numbers accepted)
//   TSV            1<TAB>2<TAB>3    (what a spreadsheet copies)
//   whitespace     1 2 3            (numpy.savetxt, MATLAB, hand-typed)
//   Python list    [[1, 2], [3, 4]] (nested lists, trailing commas; also numpy's str form [[1. 2.] [3. 4.]])
//   array repr     array([[1., 2.],\n       [3., 4.]], dtype=float32)   (also np.array(...), tensor(...))
// A 1-D input gives a 1 × n matrix; leading dimensions of size 1 are dropped ([[[1, 2]]] is 1 × 2).
// Lines starting with '#' and blank lines are skipped in the row formats. Numbers are decimal; NaN and
// infinities are refused. Sizes are counted while scanning and checked against the limits
// (io/import_limits.hpp) before the matrix is allocated. Depends on core only (no JSON, no UI).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/matrix.hpp"
#include "io/import_limits.hpp"

namespace ap::io {

enum class PasteFormat { csv, tsv, whitespace, python_list, array_repr };

// "CSV", "TSV", "whitespace-separated", "Python list", "NumPy/PyTorch repr": for the UI's status line.
const char* paste_format_name(PasteFormat format);

struct PastedMatrix {
  core::Matrix matrix;  // rows × cols, row-major
  PasteFormat format;
};

// Throws core::InputError with field "paste" and a message that names the line and column (1-based,
// columns counted in characters), so what() reads
//   paste: line 3, column 7: expected a number, got "abc"
//   paste: line 2: expected 4 numbers (like line 1), got 3
PastedMatrix parse_paste(std::string_view text, const ImportLimits& limits = {});

// The matrix alone.
core::Matrix parse_pasted_matrix(std::string_view text, const ImportLimits& limits = {});

// One number as typed into a cell (blanks around it ignored): its value, or why it is none, as a paste's number
// is read ("expected a number, got \"abc\""). could_become_number: the text so far may still become a number as
// more is typed ("", "-", "1e"), so a field being typed into says nothing yet.
std::optional<std::string> read_cell_text(std::string_view text, double& value);
bool could_become_number(std::string_view text);

}  // namespace ap::io
