// Size limits of a matrix imported from a file or the clipboard (paste, .npy), within core/limits.hpp:
// no side longer than the longest side a scenario matrix can have, no more numbers than one weight
// matrix may hold, no more bytes than a scenario file. Checked before the matrix is allocated.
#pragma once

#include <cstddef>

#include "core/limits.hpp"

namespace ap::io {

// The largest side any scenario matrix can have (w_o has heads·d_v rows: 64 · 1024).
inline constexpr long long max_import_side =
    static_cast<long long>(core::limits::max_heads) * core::limits::max_head_width;

struct ImportLimits {
  std::size_t max_bytes = core::limits::max_json_bytes;          // the text or file: 64 MiB
  long long max_rows = max_import_side;                          // 65536
  long long max_cols = max_import_side;                          // 65536
  std::size_t max_elements = core::limits::max_weight_elements;  // rows × cols: 4 Mi numbers
};

}  // namespace ap::io
