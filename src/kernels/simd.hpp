// The small SIMD mapping the fast kernels are written in (ggml's habit): one float vector type `vf` and
// a dozen operations, mapped per ISA in this one file, so no kernel has an ISA #ifdef of its own.
// CMake picks the ISA by flags (cmake/platform.cmake): AVX-512 natively where the build machine has it,
// else AVX2 + FMA; SIMD128 (-msimd128) for WebAssembly; SSE4.1 where only that is on; and a portable
// one-lane scalar version otherwise.
// Depends on nothing but the compiler's intrinsics headers.
//
// [SECTION] AVX-512      (16 lanes, fused multiply-add)
// [SECTION] AVX2 + FMA   (8 lanes, fused multiply-add)
// [SECTION] WASM SIMD128 (4 lanes; no FMA in SIMD128: mul then add)
// [SECTION] SSE4.1       (4 lanes; mul then add)
// [SECTION] scalar       (1 lane; the portable fallback)
// [SECTION] shared       (exp), written once over the per-ISA operations
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#define AP_SIMD_AVX512 1
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define AP_SIMD_AVX2 1
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define AP_SIMD_WASM 1
#elif defined(__SSE4_1__)
#include <smmintrin.h>
#define AP_SIMD_SSE4 1
#else
#define AP_SIMD_SCALAR 1
#endif

namespace ap::kernels::simd {

// =====================================================================================================
// [SECTION] AVX-512
// =====================================================================================================
#if defined(AP_SIMD_AVX512)
inline constexpr const char* isa_name = "avx512f";
inline constexpr int lanes = 16;
using vf = __m512;
inline vf zero() { return _mm512_setzero_ps(); }
inline vf set1(float x) { return _mm512_set1_ps(x); }
inline vf load(const float* p) { return _mm512_loadu_ps(p); }
inline void store(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vf broadcast(const float* p) { return _mm512_set1_ps(*p); }
inline vf add(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf div(vf a, vf b) { return _mm512_div_ps(a, b); }
inline vf fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }  // a·b + c
inline vf max(vf a, vf b) { return _mm512_max_ps(a, b); }
inline vf min(vf a, vf b) { return _mm512_min_ps(a, b); }
inline vf round_nearest(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf pow2_whole(vf n) {
  const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
  return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
}
// y · 2^n for n a whole number held as a float, as IEEE rounds it: +0 far below the smallest subnormal.
inline constexpr float exp_floor = -104.0f;  // e^x at or below: n ≤ −150, so y · 2^n rounds to exactly +0
inline vf times_pow2(vf y, vf n, vf) { return _mm512_scalef_ps(y, n); }
// Horizontal sum and max by halves, then quarters (GCC 12's _mm512_reduce_add_ps trips its own -Wuninitialized).
inline float reduce_sum(vf v) {
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  __m128 x = _mm512_castps512_ps128(v);
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  return _mm_cvtss_f32(_mm_add_ss(x, _mm_movehdup_ps(x)));
}
inline float reduce_max(vf v) {
  v = _mm512_max_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_max_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  __m128 x = _mm512_castps512_ps128(v);
  x = _mm_max_ps(x, _mm_movehl_ps(x, x));
  return _mm_cvtss_f32(_mm_max_ss(x, _mm_movehdup_ps(x)));
}

// =====================================================================================================
// [SECTION] AVX2 + FMA
// =====================================================================================================
#elif defined(AP_SIMD_AVX2)
inline constexpr const char* isa_name = "avx2+fma";
inline constexpr int lanes = 8;
using vf = __m256;
using vi = __m256i;
inline vf zero() { return _mm256_setzero_ps(); }
inline vf set1(float x) { return _mm256_set1_ps(x); }
inline vf load(const float* p) { return _mm256_loadu_ps(p); }
inline void store(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vf broadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline vf add(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf div(vf a, vf b) { return _mm256_div_ps(a, b); }
inline vf fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }  // a·b + c
inline vf max(vf a, vf b) { return _mm256_max_ps(a, b); }
inline vf min(vf a, vf b) { return _mm256_min_ps(a, b); }
inline vf round_nearest(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// 2^n for n a whole number in [−126, 127] held as a float: the exponent field built directly.
inline vf pow2_whole(vf n) {
  const vi e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
  return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}
// y · 2^n for n a whole number in [−126, 127] held as a float; +0 where x (the exp's argument) is below the floor:
// e^x is flushed to zero there, so that −∞ (a masked score) gives exactly 0.
inline constexpr float exp_floor = -87.33654f;
inline vf times_pow2(vf y, vf n, vf x) {
  return _mm256_and_ps(_mm256_mul_ps(y, pow2_whole(n)), _mm256_cmp_ps(x, _mm256_set1_ps(exp_floor), _CMP_GE_OQ));
}
// Horizontal sum and max by halves (a tree: a few shuffles, not a chain of lane-by-lane operations).
inline float reduce_sum(vf v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  return _mm_cvtss_f32(_mm_add_ss(x, _mm_movehdup_ps(x)));
}
inline float reduce_max(vf v) {
  __m128 x = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_max_ps(x, _mm_movehl_ps(x, x));
  return _mm_cvtss_f32(_mm_max_ss(x, _mm_movehdup_ps(x)));
}

// =====================================================================================================
// [SECTION] WASM SIMD128
// =====================================================================================================
#elif defined(AP_SIMD_WASM)
inline constexpr const char* isa_name = "wasm-simd128";
inline constexpr int lanes = 4;
using vf = v128_t;
inline vf zero() { return wasm_f32x4_splat(0.0f); }
inline vf set1(float x) { return wasm_f32x4_splat(x); }
inline vf load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, vf v) { wasm_v128_store(p, v); }
inline vf broadcast(const float* p) { return wasm_v128_load32_splat(p); }
inline vf add(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf sub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
inline vf mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
inline vf div(vf a, vf b) { return wasm_f32x4_div(a, b); }
inline vf fma(vf a, vf b, vf c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
// pmax/pmin are one instruction each (maxps/minps); the NaN-propagating max/min are several.
inline vf max(vf a, vf b) { return wasm_f32x4_pmax(a, b); }
inline vf min(vf a, vf b) { return wasm_f32x4_pmin(a, b); }
inline vf round_nearest(vf a) { return wasm_f32x4_nearest(a); }
inline vf pow2_whole(vf n) {
  const v128_t e = wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127));
  return wasm_i32x4_shl(e, 23);
}
inline constexpr float exp_floor = -87.33654f;
inline vf times_pow2(vf y, vf n, vf x) {
  return wasm_v128_and(wasm_f32x4_mul(y, pow2_whole(n)), wasm_f32x4_ge(x, wasm_f32x4_splat(exp_floor)));
}
inline float reduce_sum(vf v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}
inline float reduce_max(vf v) {
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

// =====================================================================================================
// [SECTION] SSE4.1
// =====================================================================================================
#elif defined(AP_SIMD_SSE4)
inline constexpr const char* isa_name = "sse4.1";
inline constexpr int lanes = 4;
using vf = __m128;
inline vf zero() { return _mm_setzero_ps(); }
inline vf set1(float x) { return _mm_set1_ps(x); }
inline vf load(const float* p) { return _mm_loadu_ps(p); }
inline void store(float* p, vf v) { _mm_storeu_ps(p, v); }
inline vf broadcast(const float* p) { return _mm_load1_ps(p); }
inline vf add(vf a, vf b) { return _mm_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm_mul_ps(a, b); }
inline vf div(vf a, vf b) { return _mm_div_ps(a, b); }
inline vf fma(vf a, vf b, vf c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline vf max(vf a, vf b) { return _mm_max_ps(a, b); }
inline vf min(vf a, vf b) { return _mm_min_ps(a, b); }
inline vf round_nearest(vf a) { return _mm_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf pow2_whole(vf n) {
  const __m128i e = _mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127));
  return _mm_castsi128_ps(_mm_slli_epi32(e, 23));
}
inline constexpr float exp_floor = -87.33654f;
inline vf times_pow2(vf y, vf n, vf x) {
  return _mm_and_ps(_mm_mul_ps(y, pow2_whole(n)), _mm_cmpge_ps(x, _mm_set1_ps(exp_floor)));
}
inline float reduce_sum(vf v) {
  v = _mm_add_ps(v, _mm_movehl_ps(v, v));
  return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v)));
}
inline float reduce_max(vf v) {
  v = _mm_max_ps(v, _mm_movehl_ps(v, v));
  return _mm_cvtss_f32(_mm_max_ss(v, _mm_movehdup_ps(v)));
}

// =====================================================================================================
// [SECTION] scalar
// =====================================================================================================
#else
inline constexpr const char* isa_name = "scalar";
inline constexpr int lanes = 1;
using vf = float;
inline vf zero() { return 0.0f; }
inline vf set1(float x) { return x; }
inline vf load(const float* p) { return *p; }
inline void store(float* p, vf v) { *p = v; }
inline vf broadcast(const float* p) { return *p; }
inline vf add(vf a, vf b) { return a + b; }
inline vf sub(vf a, vf b) { return a - b; }
inline vf mul(vf a, vf b) { return a * b; }
inline vf div(vf a, vf b) { return a / b; }
inline vf fma(vf a, vf b, vf c) { return a * b + c; }
inline vf max(vf a, vf b) { return a > b ? a : b; }
inline vf min(vf a, vf b) { return a < b ? a : b; }
inline vf round_nearest(vf a) { return std::nearbyint(a); }
inline vf pow2_whole(vf n) {
  const std::int32_t e = (static_cast<std::int32_t>(n) + 127) << 23;
  float f;
  std::memcpy(&f, &e, sizeof f);
  return f;
}
inline constexpr float exp_floor = -87.33654f;
inline vf times_pow2(vf y, vf n, vf x) { return x >= exp_floor ? y * pow2_whole(n) : 0.0f; }
inline float reduce_sum(vf v) { return v; }
inline float reduce_max(vf v) { return v; }
#endif

// =====================================================================================================
// [SECTION] shared
// =====================================================================================================

// e^x, Cephes' expf on every lane: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-5 polynomial, 2^n
// through the exponent bits (AVX-512: scalef, which also rounds the subnormal results as IEEE does). Within
// 2 ulp of std::exp for x in [−87.3, 88.7]; below exp_floor the result is +0 (so −∞, a masked score, gives
// exactly 0), above 88.7 it is clamped to e^88.7.
inline vf exp(vf x) {
  const vf xc = min(max(x, set1(exp_floor)), set1(88.3762626647949f));
  const vf n = round_nearest(mul(xc, set1(1.44269504088896341f)));
  vf r = fma(n, set1(-0.693359375f), xc);  // r = x − n·ln2 in two parts (Cody–Waite)
  r = fma(n, set1(2.12194440e-4f), r);
  vf y = set1(1.9875691500e-4f);
  y = fma(y, r, set1(1.3981999507e-3f));
  y = fma(y, r, set1(8.3334519073e-3f));
  y = fma(y, r, set1(4.1665795894e-2f));
  y = fma(y, r, set1(1.6666665459e-1f));
  y = fma(y, r, set1(5.0000001201e-1f));
  y = fma(y, mul(r, r), add(r, set1(1.0f)));
  return times_pow2(y, n, x);
}

}  // namespace ap::kernels::simd
