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

// tab10 (matplotlib's categorical colours) and Okabe & Ito's palette, its black made a light grey for a dark background.
constexpr std::array<Rgb, 10> tab10{{{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
                                     {140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}}};
constexpr std::array<Rgb, 8> okabe_ito{{{230, 159, 0}, {86, 180, 233}, {0, 158, 115}, {240, 228, 66}, {0, 114, 178},
                                        {213, 94, 0}, {204, 121, 167}, {200, 200, 200}}};

bool finite(double v) { return std::isfinite(v); }

bool signed_range_ok(const ColorScaleSettings& s) { return finite(s.signed_lo) && finite(s.signed_hi) && s.signed_lo < s.signed_hi; }
bool weights_max_ok(const ColorScaleSettings& s) { return finite(s.weights_max) && s.weights_max > 0; }

}  // namespace

std::string user_range_problem(const ColorScaleSettings& settings) {
  if (settings.user_signed && !signed_range_ok(settings))
    return "signed range: min (" + number_text(settings.signed_lo) + ") must be below max (" +
           number_text(settings.signed_hi) + "); the auto range is drawn";
  if (settings.user_weights && !weights_max_ok(settings))
    return "weights max must be above 0 (it is " + number_text(settings.weights_max) + "); the auto range is drawn";
  return "";
}

ColorRangeChoice choose_color_range(ColorKind kind, RangeRule rule, const ColorScaleSettings& settings, double user_lo,
                                    double user_hi) {
  ColorRangeChoice r;
  const auto set = [&r](double lo, double hi, const std::string& by) {
    r.lo = lo;
    r.hi = hi;
    r.legend = by + number_text(lo) + " to " + number_text(hi);
    r.short_legend = "set";
  };
  if (rule == RangeRule::user && user_hi > user_lo) {
    set(user_lo, user_hi, "set: ");
  } else if (rule == RangeRule::unit && settings.user_weights && weights_max_ok(settings)) {
    set(0, settings.weights_max, "set by you: ");
  } else if (rule == RangeRule::auto_range && kind == ColorKind::diverging && settings.user_signed &&
             signed_range_ok(settings)) {
    set(settings.signed_lo, settings.signed_hi, "set by you: ");
  } else if (rule == RangeRule::unit && !settings.weights_per_matrix) {
    r.lo = 0;
    r.hi = 1;
    r.legend = "fixed 0 to 1";
    r.short_legend = "fixed";
  } else {
    r.needs_scan = true;
    r.legend = kind == ColorKind::diverging ? "±max |v| of this matrix" : "0 to this matrix's max";
    r.short_legend = kind == ColorKind::diverging ? "±max" : "max";
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

double color_position(double v, double lo, double hi, ColorKind kind) {
  if (kind != ColorKind::diverging || !(lo < 0 && hi > 0)) return color_position(v, lo, hi);
  if (std::isnan(v)) return 0;
  return v < 0 ? 0.5 * color_position(v, lo, 0) : 0.5 + 0.5 * color_position(v, 0, hi);
}

Rgb head_color(Palette palette, int head) {
  const int h = std::max(0, head);
  if (palette == Palette::colorblind) return okabe_ito[static_cast<std::size_t>(h) % okabe_ito.size()];
  return tab10[static_cast<std::size_t>(h) % tab10.size()];
}

int head_color_count(Palette palette) { return palette == Palette::colorblind ? 8 : 10; }

Rgb palette_color(Palette palette, ColorKind kind, double t) {
  if (palette == Palette::colorblind) return kind == ColorKind::diverging ? interpolate(puor, t) : interpolate(viridis, t);
  return kind == ColorKind::diverging ? interpolate(rdbu, t) : interpolate(blues, t);
}

}  // namespace ap::core
