// Size limits of a matrix imported from a file or the clipboard (paste, .npy), within core/limits.hpp:
// no side longer than the longest side a scenario matrix can have, no more numbers than one weight
// matrix may hold, no more bytes than a scenario file. Checked before the matrix is allocated.
#pragma once

#include <cstddef>

#include "core/limits.hpp"

namespace ap::io {

// The longest side an imported matrix may have: 65,536 (every weight of a 64-head, 1024-wide layer fits; with
// more heads the 4 Mi-number limit of a weight matrix is reached first anyway).
inline constexpr long long max_import_side = 65536;

struct ImportLimits {
  std::size_t max_bytes = core::limits::max_json_bytes;          // the text or file: 64 MiB
  long long max_rows = max_import_side;                          // 65536
  long long max_cols = max_import_side;                          // 65536
  std::size_t max_elements = core::limits::max_weight_elements;  // rows × cols: 4 Mi numbers
};

}  // namespace ap::io
