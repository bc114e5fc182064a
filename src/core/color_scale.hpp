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

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

struct ColorScaleSettings {    // the user's choice, for every heatmap
  Palette palette = Palette::classic;
  bool weights_per_matrix = false;  // unit-range maps (weights) span [0, that matrix's max] instead
  // A range the user set for every map of its kind (off: "auto"). Signed maps of the matrix's own extent span
  // [signed_lo, signed_hi], zero staying the middle colour; weight maps (unit range) span [0, weights_max].
  bool user_signed = false;
  double signed_lo = -1, signed_hi = 1;
  bool user_weights = false;
  double weights_max = 1;
};

// What is wrong with the user's ranges, in one line, or "" (a wrong one is not used: the auto range is drawn).
std::string user_range_problem(const ColorScaleSettings& settings);

struct ColorRangeChoice {
  double lo = 0, hi = 1;
  bool needs_scan = false;  // lo / hi follow the matrix's values (scanned first)
  std::string legend;       // what the legend says of the range: "fixed 0 to 1", "±max |v| of this matrix", ...
  std::string short_legend; // the word under a legend's bar: "fixed", "set", "±max", "max"
};

// The range before any value is seen; needs_scan says whether finish_color_range must follow.
ColorRangeChoice choose_color_range(ColorKind kind, RangeRule rule, const ColorScaleSettings& settings, double user_lo,
                                    double user_hi);
// The range from the smallest and largest finite value of the matrix (masked cells left out): symmetric ±max |v|
// for a diverging scale, [0, max] for a sequential one; never an empty range.
void finish_color_range(ColorRangeChoice& range, ColorKind kind, double data_lo, double data_hi);

// Where v falls on the range, in [0, 1] (clamped; NaN → 0).
double color_position(double v, double lo, double hi);
// The same for a map of `kind`: a diverging range with lo < 0 < hi keeps 0 at 0.5 (white) and scales each side on
// its own (a user's [−1, 4]: −1 is the bluest, 4 the reddest); anything else as color_position.
double color_position(double v, double lo, double hi, ColorKind kind);

// The colour of head `head` in a view that draws each head in its own colour (ten colours, then they repeat;
// the colour-blind-safe palette uses Okabe and Ito's eight).
Rgb head_color(Palette palette, int head);
int head_color_count(Palette palette);

// The palette's colour at t in [0, 1] (diverging: 0.5 is zero), piecewise linear between its stops.
Rgb palette_color(Palette palette, ColorKind kind, double t);

}  // namespace ap::core
