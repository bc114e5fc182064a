// Explicit size limits of a scenario, checked before anything is allocated (SPEC §1).
// The README's table of limits lists the same numbers: change both together.
#pragma once

#include <cstddef>

namespace ap::core::limits {

inline constexpr int max_tokens = 4096;          // N (queries) and M (keys/values)
inline constexpr int max_d_model = 1024;         // width of a token vector
inline constexpr int max_heads = 128;            // h (GPT-3 has 96)
inline constexpr int max_head_width = 1024;      // d_k and d_v
inline constexpr std::size_t max_weight_elements = std::size_t{1} << 22;  // any one weight matrix: 4 Mi numbers
inline constexpr std::size_t max_trace_elements = std::size_t{1} << 26;   // the matrices one trace records: 64 Mi numbers
// A layer records every head's N × M matrices when h·N·M is at most this; a larger one only the heads on screen.
inline constexpr long long record_all_heads_cells = 1LL << 21;
inline constexpr std::size_t max_json_bytes = std::size_t{64} << 20;      // one scenario file: 64 MiB
inline constexpr int max_json_depth = 16;        // nesting of a scenario file (the deepest legal field is 4)

}  // namespace ap::core::limits
