// C++ mirrors of the WGSL uniform structs (shaders/*.wgsl), byte for byte: same members, same order,
// 4-byte scalars, size a multiple of 16 as the uniform address space requires. Pure data, no WebGPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ap::gpu {

inline constexpr int max_gpu_heads = 64;  // core::limits::max_heads: one slope and one sink per head below

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
  std::uint32_t kv_heads = 0;       // K/V heads (grouped-query attention): head h reads K/V head h · kv_heads / heads
  // SPEC §1b, as core::HeadVariants (core/score_mod.hpp, core/softmax.hpp)
  std::uint32_t alibi = 0;          // 1: scaled −= slopes[h]·|i + query_offset − j|
  std::int32_t query_offset = 0;    // ALiBi's p_q = i + query_offset
  float softcap = 0;                // c > 0: scaled ← c·tanh(scaled / c); 0: none
  float fill = 0;                   // with finite_fill: what a masked score becomes
  std::uint32_t finite_fill = 0;    // 1: masked keys take `fill` (else they are left out, as −∞)
  std::uint32_t has_sink = 0;       // 1: sinks[h] joins the softmax's denominator
  std::uint32_t number_format = 0;  // the precision (a WGSL keyword): 0 none or fp32 (f32 itself), 1 fp16, 2 bf16
  std::uint32_t pad = 0;
  float slopes[max_gpu_heads] = {};  // array<vec4<f32>, 16>
  float sinks[max_gpu_heads] = {};   // array<vec4<f32>, 16>, rounded to the precision
};
static_assert(sizeof(Params) == 592, "Params must match the WGSL struct: 20 four-byte members, then two arrays of 64");
static_assert(sizeof(Params) % 16 == 0, "a uniform buffer binding is a multiple of 16 bytes");
static_assert(offsetof(Params, scale) == 20 && offsetof(Params, causal_offset) == 28 && offsetof(Params, allow_words) == 40 &&
                  offsetof(Params, kv_heads) == 44 && offsetof(Params, fill) == 60 && offsetof(Params, number_format) == 72 &&
                  offsetof(Params, slopes) == 80 && offsetof(Params, sinks) == 336,
              "Params members are at the WGSL offsets (the arrays of vec4 start on 16-byte boundaries)");

}  // namespace ap::gpu
