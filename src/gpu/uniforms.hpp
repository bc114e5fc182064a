// C++ mirrors of the WGSL uniform structs (shaders/*.wgsl), byte for byte: same members, same order,
// 4-byte scalars, size a multiple of 16 as the uniform address space requires. Pure data, no WebGPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ap::gpu {

// `struct Params` of every shader.
struct Params {
  std::uint32_t n = 0;              // queries
  std::uint32_t m = 0;              // keys
  std::uint32_t d_k = 0;            // query/key width per head
  std::uint32_t d_v = 0;            // value width per head
  std::uint32_t heads = 0;
  float scale = 1;                  // multiplier of q·kᵀ
  std::uint32_t causal = 0;         // 1: key j needs j ≤ i + causal_offset
  std::int32_t causal_offset = 0;   // 0 top-left, M − N bottom-right
  std::uint32_t window = 0;         // with causal: also j > i + causal_offset − window (0: no window)
  std::uint32_t has_allow = 0;      // 1: allow_bits holds an N × M bit mask (the allow matrix AND key_valid)
  std::uint32_t allow_words = 1;    // u32 words per row of allow_bits
  std::uint32_t pad = 0;
};
static_assert(sizeof(Params) == 48, "Params must match the WGSL struct: 12 four-byte members");
static_assert(sizeof(Params) % 16 == 0, "a uniform buffer binding is a multiple of 16 bytes");
static_assert(offsetof(Params, scale) == 20 && offsetof(Params, causal_offset) == 28 && offsetof(Params, allow_words) == 40,
              "Params members are at the WGSL offsets");

}  // namespace ap::gpu
