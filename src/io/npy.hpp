// NumPy's .npy format (numpy.lib.format), read and written as bytes: no file system here, the caller
// (CLI, app, browser upload) brings the bytes. Reads format versions 1.0, 2.0 and 3.0 holding float32 or
// float64 in either byte order ('<f4', '<f8', '>f4', '>f8'), C or Fortran order, 1-D (a 1 × n matrix)
// or 2-D (leading dimensions of size 1 are dropped, so (1, 3, 4) is 3 × 4). Writes version 1.0,
// '<f8', C order. Depends on core only.
#pragma once

#include <string>
#include <string_view>

#include "core/matrix.hpp"
#include "io/import_limits.hpp"

namespace ap::io {

// Validates everything before reading a number (magic, version, header length and dict, dtype, shape
// against the limits and against the bytes present) and refuses NaN and infinities. Throws
// core::InputError with field "npy": `npy: shape (3, 4) needs 96 bytes of float64, the file has 80`.
core::Matrix read_npy(std::string_view bytes, const ImportLimits& limits = {});

// rows × cols as a version 1.0 .npy file: '<f8', C order, shape (rows, cols), header padded to 64 bytes.
std::string write_npy(const core::Matrix& matrix);

}  // namespace ap::io
