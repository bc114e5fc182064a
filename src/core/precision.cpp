// Rounding to fp32 / fp16 / bf16 through one generic routine: a format is its significand width, its
// smallest normal exponent and its largest finite value, and rounding a double to it is scaling by a power
// of two (exact), std::nearbyint (ties to even in the default rounding mode), and scaling back.
#include "core/precision.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace ap::core {

namespace {

struct Format {
  int significand_bits;  // with the hidden bit: 24, 11, 8
  int min_exponent;      // of the smallest normal: 2^min_exponent (−126, −14, −126)
  double max_finite;
};

Format format_of(Precision p) {
  switch (p) {
    case Precision::fp32: return {24, -126, 3.4028234663852886e38};
    case Precision::fp16: return {11, -14, 65504.0};
    case Precision::bf16: return {8, -126, 3.3895313892515355e38};
  }
  return {24, -126, 3.4028234663852886e38};
}

double round_to_format(const Format& f, double x) {
  if (!std::isfinite(x) || x == 0) return x;
  int e = 0;
  std::frexp(x, &e);                                // |x| = m · 2^e, m ∈ [0.5, 1): the leading bit is 2^(e−1)
  const int lead = std::max(e - 1, f.min_exponent);  // subnormals share the smallest normal's spacing
  const int quantum = lead - (f.significand_bits - 1);
  const double r = std::ldexp(std::nearbyint(std::ldexp(x, -quantum)), quantum);
  if (std::fabs(r) > f.max_finite) return std::copysign(std::numeric_limits<double>::infinity(), x);
  return r;
}

// Encodes a value already in the format (sign, exponent field of `exponent_bits`, fraction).
std::uint16_t encode(double v, int exponent_bits, int fraction_bits, int min_exponent) {
  const std::uint16_t sign = std::signbit(v) ? std::uint16_t(1u << 15) : std::uint16_t(0);
  const std::uint16_t all_ones = static_cast<std::uint16_t>(((1u << exponent_bits) - 1) << fraction_bits);
  if (std::isnan(v)) return static_cast<std::uint16_t>(sign | all_ones | (1u << (fraction_bits - 1)));
  if (std::isinf(v)) return static_cast<std::uint16_t>(sign | all_ones);
  const double a = std::fabs(v);
  if (a == 0) return sign;
  int e = 0;
  std::frexp(a, &e);
  const int lead = e - 1;
  if (lead < min_exponent)  // subnormal: fraction = a / 2^(min_exponent − fraction_bits)
    return static_cast<std::uint16_t>(sign | static_cast<unsigned>(std::ldexp(a, fraction_bits - min_exponent)));
  const unsigned biased = static_cast<unsigned>(lead - min_exponent + 1);
  const unsigned fraction = static_cast<unsigned>(std::ldexp(a, fraction_bits - lead)) - (1u << fraction_bits);
  return static_cast<std::uint16_t>(sign | (biased << fraction_bits) | fraction);
}

double decode(std::uint16_t bits, int exponent_bits, int fraction_bits, int min_exponent) {
  const bool negative = (bits >> 15) != 0;
  const unsigned field = (bits >> fraction_bits) & ((1u << exponent_bits) - 1);
  const unsigned fraction = bits & ((1u << fraction_bits) - 1);
  double v = 0;
  if (field == (1u << exponent_bits) - 1)
    v = fraction ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else if (field == 0)
    v = std::ldexp(static_cast<double>(fraction), min_exponent - fraction_bits);
  else
    v = std::ldexp(static_cast<double>(fraction + (1u << fraction_bits)),
                   static_cast<int>(field) - 1 + min_exponent - fraction_bits);
  return negative ? -v : v;
}

}  // namespace

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::fp32: return "fp32";
    case Precision::fp16: return "fp16";
    case Precision::bf16: return "bf16";
  }
  return "fp32";
}

double max_finite(Precision p) { return format_of(p).max_finite; }

double round_to(Precision p, double x) { return round_to_format(format_of(p), x); }

float round_to(Precision p, float x) {
  if (p == Precision::fp32) return x;  // a float is already fp32
  return static_cast<float>(round_to_format(format_of(p), static_cast<double>(x)));
}

std::uint16_t fp16_bits(double x) { return encode(round_to(Precision::fp16, x), 5, 10, -14); }
double fp16_value(std::uint16_t bits) { return decode(bits, 5, 10, -14); }
std::uint16_t bf16_bits(double x) { return encode(round_to(Precision::bf16, x), 8, 7, -126); }
double bf16_value(std::uint16_t bits) { return decode(bits, 8, 7, -126); }

}  // namespace ap::core
