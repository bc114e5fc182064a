// A scenario as one binary buffer: the scenario JSON (SPEC §1) with its large matrices replaced by
// {"$block": k}, followed by those matrices as little-endian float64 blocks. Bit for bit the same numbers as the
// JSON, without printing or parsing them: the page's autosave (IndexedDB) and its fast load of scenarios built in
// JavaScript use it. Read through the same checks as the JSON (every field named, limits before allocating).
//   "APSB" | u32 version (1) | u32 header bytes | header JSON | zero padding to 8 | blocks:
//   u32 rows | u32 cols | rows × cols float64 (row-major)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/scenario.hpp"

namespace ap::io {

inline constexpr std::size_t max_binary_scenario_bytes = std::size_t{320} << 20;  // 4096 × 1024 x and four 1024² weights fit

std::string scenario_to_binary(const core::Scenario& scenario);
// The same into `out`, replacing what it held (its memory reused when large enough).
void scenario_to_binary(const core::Scenario& scenario, std::string& out);
// Throws core::InputError naming the field or the byte where the buffer is malformed.
core::Scenario scenario_from_binary(std::string_view bytes);

}  // namespace ap::io
