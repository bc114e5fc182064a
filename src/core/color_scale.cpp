// Colour ranges and palettes (see color_scale.hpp). The stops: ColorBrewer RdBu and Blues (classic); ColorBrewer PuOr
// (orange below zero, purple above) and viridis, both readable under the common colour-vision deficiencies.
#include "core/color_scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/number_text.hpp"

namespace ap::core {

namespace {

template <std::size_t N>
Rgb interpolate(const std::array<Rgb, N>& stops, double t) {
  t = std::clamp(t, 0.0, 1.0) * static_cast<double>(N - 1);
  const auto i = std::min(static_cast<std::size_t>(t), N - 2);
  const double f = t - static_cast<double>(i);
  const auto mix = [f](std::uint8_t a, std::uint8_t b) { return static_cast<std::uint8_t>(a + (b - a) * f + 0.5); };
  return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}

constexpr std::array<Rgb, 5> rdbu{{{33, 102, 172}, {146, 197, 222}, {247, 247, 247}, {244, 165, 130}, {178, 24, 43}}};
constexpr std::array<Rgb, 4> blues{{{247, 251, 255}, {158, 202, 225}, {49, 130, 189}, {8, 48, 107}}};
constexpr std::array<Rgb, 5> puor{{{179, 88, 6}, {253, 184, 99}, {247, 247, 247}, {178, 171, 210}, {84, 39, 136}}};
// viridis from light to dark, so that 0 is pale as with Blues (a zero weight reads as "nothing")
constexpr std::array<Rgb, 6> viridis{{{253, 231, 37}, {122, 209, 81}, {34, 168, 132}, {42, 120, 142}, {65, 68, 135}, {68, 1, 84}}};

}  // namespace

ColorRangeChoice choose_color_range(ColorKind kind, RangeRule rule, const ColorScaleSettings& settings, double user_lo,
                                    double user_hi) {
  ColorRangeChoice r;
  if (rule == RangeRule::user && user_hi > user_lo) {
    r.lo = user_lo;
    r.hi = user_hi;
    r.legend = "set: " + number_text(user_lo) + " to " + number_text(user_hi);
  } else if (rule == RangeRule::unit && !settings.weights_per_matrix) {
    r.lo = 0;
    r.hi = 1;
    r.legend = "fixed 0 to 1";
  } else {
    r.needs_scan = true;
    r.legend = kind == ColorKind::diverging ? "±max |v| of this matrix" : "0 to this matrix's max";
  }
  return r;
}

void finish_color_range(ColorRangeChoice& range, ColorKind kind, double data_lo, double data_hi) {
  if (!range.needs_scan) return;
  if (kind == ColorKind::diverging) {
    const double a = std::max({std::fabs(data_lo), std::fabs(data_hi), 1e-12});
    range.lo = -a;
    range.hi = a;
  } else {
    range.lo = 0;
    range.hi = std::max(data_hi, 1e-12);
  }
}

double color_position(double v, double lo, double hi) {
  const double t = (v - lo) / (hi - lo);
  return t >= 0 ? std::min(t, 1.0) : 0.0;  // NaN → 0
}

Rgb palette_color(Palette palette, ColorKind kind, double t) {
  if (palette == Palette::colorblind) return kind == ColorKind::diverging ? interpolate(puor, t) : interpolate(viridis, t);
  return kind == ColorKind::diverging ? interpolate(rdbu, t) : interpolate(blues, t);
}

}  // namespace ap::core
