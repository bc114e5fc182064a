// The constants of RFC 1951 that the compressor (deflate.cpp) and the decompressor (inflate.cpp) share:
// alphabet sizes, the base and extra bits of lengths and distances, the fixed code. Internal to io.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ap::io::deflate_tables {

constexpr int max_code_bits = 15;      // any literal/length or distance code
constexpr int max_codelen_bits = 7;    // the code that sends the code lengths
constexpr int num_litlen = 286;        // 0-255 literals, 256 end of block, 257-285 lengths
constexpr int num_dist = 30;
constexpr int end_of_block = 256;
constexpr int min_match = 3;
constexpr int max_match = 258;
constexpr std::size_t window = 32768;

constexpr std::array<std::uint16_t, 29> length_base = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> length_extra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<std::uint16_t, 30> dist_base = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                                     33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                                     1025, 1537, 2049, 3073, 4097, 6145,  8193,  12289, 16385, 24577};
constexpr std::array<std::uint8_t, 30> dist_extra = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                     6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order in which a dynamic block sends the lengths of the code-length code.
constexpr std::array<std::uint8_t, 19> codelen_order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// The fixed code (RFC 1951 §3.2.6): 288 literal/length lengths, then 32 distance lengths of 5.
inline std::vector<std::uint8_t> fixed_litlen_lengths() {
  std::vector<std::uint8_t> len(288, 8);
  std::fill(len.begin() + 144, len.begin() + 256, 9);
  std::fill(len.begin() + 256, len.begin() + 280, 7);
  return len;
}
inline const std::vector<std::uint8_t> fixed_dist_lengths(32, 5);

inline int length_code(int length) {  // 3..258 → 0..28 (symbol 257 + code)
  return static_cast<int>(std::upper_bound(length_base.begin(), length_base.end(), length) - length_base.begin()) - 1;
}
inline int dist_code(int dist) {  // 1..32768 → 0..29
  return static_cast<int>(std::upper_bound(dist_base.begin(), dist_base.end(), dist) - dist_base.begin()) - 1;
}

}  // namespace ap::io::deflate_tables
