// The colour scale of a heatmap, apart from any drawing: which range of numbers its colours span (weights on a fixed
// 0–1 scale unless asked for per matrix, signed values symmetric about 0) and the colour of a position on a palette
// (ColorBrewer RdBu / Blues, or the colour-blind-safe PuOr / viridis). std only; ui/heatmap draws what this picks.
#pragma once

#include <cstdint>
#include <string>

namespace ap::core {

enum class ColorKind { diverging, sequential };  // signed values about 0; values from 0 up (weights)
enum class Palette { classic, colorblind };       // classic: RdBu / Blues; colorblind: PuOr / viridis
enum class RangeRule { auto_range, unit, user };  // the matrix's own extent; [0, 1] (weights); [user_lo, user_hi]

struct ColorScaleSettings {    // the user's choice, for every heatmap
  Palette palette = Palette::classic;
  bool weights_per_matrix = false;  // unit-range maps (weights) span [0, that matrix's max] instead
};

struct ColorRangeChoice {
  double lo = 0, hi = 1;
  bool needs_scan = false;  // lo / hi follow the matrix's values (scanned first)
  std::string legend;       // what the legend says of the range: "fixed 0 to 1", "±max |v| of this matrix", ...
};

// The range before any value is seen; needs_scan says whether finish_color_range must follow.
ColorRangeChoice choose_color_range(ColorKind kind, RangeRule rule, const ColorScaleSettings& settings, double user_lo,
                                    double user_hi);
// The range from the smallest and largest finite value of the matrix (masked cells left out): symmetric ±max |v|
// for a diverging scale, [0, max] for a sequential one; never an empty range.
void finish_color_range(ColorRangeChoice& range, ColorKind kind, double data_lo, double data_hi);

// Where v falls on the range, in [0, 1] (clamped; NaN → 0).
double color_position(double v, double lo, double hi);

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};
// The palette's colour at t in [0, 1] (diverging: 0.5 is zero), piecewise linear between its stops.
Rgb palette_color(Palette palette, ColorKind kind, double t);

}  // namespace ap::core
