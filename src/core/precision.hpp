// Number formats a model may compute in (SPEC §1b `precision`): fp32, fp16 (IEEE binary16) and bf16
// (bfloat16), emulated by rounding: round to nearest, ties to even; overflow gives ±∞ as IEEE does;
// subnormals kept; NaN stays NaN. Written once here and used by every backend (CPU and, mirrored bit for
// bit, shaders/precision rounding in WGSL). Pure functions; depends on nothing but <cstdint>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ap::core {

enum class Precision { fp32, fp16, bf16 };

const char* precision_name(Precision p);  // "fp32", "fp16", "bf16"
double max_finite(Precision p);           // 3.4028234663852886e38, 65504, 3.3895313892515355e38

// x rounded to the nearest value of the format (one rounding, from the exact value of x).
double round_to(Precision p, double x);
float round_to(Precision p, float x);

// Every element of data[0, count) rounded in place.
template <class T>
void round_all(Precision p, T* data, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) data[i] = round_to(p, data[i]);
}

// The 16-bit encodings, for tests and for people: value → bits rounds first; bits → value is exact.
std::uint16_t fp16_bits(double x);
double fp16_value(std::uint16_t bits);
std::uint16_t bf16_bits(double x);
double bf16_value(std::uint16_t bits);

}  // namespace ap::core
