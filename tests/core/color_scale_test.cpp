// core/color_scale: weights on a fixed 0–1 scale unless asked per matrix, signed values symmetric about zero, a user
// range only when it is one, and palettes that run from their first stop to their last (zero white on diverging ones).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/color_scale.hpp"

using namespace ap::core;

TEST_CASE("color range: weights fixed 0–1 by default, per matrix on request") {
  ColorScaleSettings settings;
  ColorRangeChoice unit = choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1);
  CHECK_FALSE(unit.needs_scan);
  CHECK(unit.lo == 0);
  CHECK(unit.hi == 1);
  finish_color_range(unit, ColorKind::sequential, 0, 0.025);  // a near-uniform row stays pale
  CHECK(unit.hi == 1);
  CHECK(color_position(0.025, unit.lo, unit.hi) == Approx(0.025));
  CHECK(unit.legend == "fixed 0 to 1");

  settings.weights_per_matrix = true;
  ColorRangeChoice own = choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1);
  REQUIRE(own.needs_scan);
  finish_color_range(own, ColorKind::sequential, 0, 0.025);
  CHECK(own.lo == 0);
  CHECK(own.hi == 0.025);
  CHECK(color_position(0.025, own.lo, own.hi) == 1);
}

TEST_CASE("color range: signed values symmetric about zero; a user range only when lo < hi") {
  const ColorScaleSettings settings;
  ColorRangeChoice r = choose_color_range(ColorKind::diverging, RangeRule::auto_range, settings, 0, 0);
  REQUIRE(r.needs_scan);
  finish_color_range(r, ColorKind::diverging, -0.5, 3.0);
  CHECK(r.lo == -3.0);
  CHECK(r.hi == 3.0);
  CHECK(color_position(0.0, r.lo, r.hi) == 0.5);  // zero is the middle (white)
  ColorRangeChoice zero = choose_color_range(ColorKind::diverging, RangeRule::auto_range, settings, 0, 0);
  finish_color_range(zero, ColorKind::diverging, 0, 0);
  CHECK(zero.hi > zero.lo);  // an all-zero matrix still has a range

  ColorRangeChoice user = choose_color_range(ColorKind::diverging, RangeRule::user, settings, -2, 5);
  CHECK_FALSE(user.needs_scan);
  CHECK(user.lo == -2);
  CHECK(user.hi == 5);
  CHECK(user.legend == "set: -2 to 5");
  CHECK(choose_color_range(ColorKind::diverging, RangeRule::user, settings, 5, 5).needs_scan);  // not a range

  CHECK(color_position(-10, -1, 1) == 0);
  CHECK(color_position(10, -1, 1) == 1);
  CHECK(color_position(std::numeric_limits<double>::quiet_NaN(), -1, 1) == 0);
}

TEST_CASE("palettes: diverging ones white at zero, sequential ones pale at zero and dark at the top") {
  for (Palette p : {Palette::classic, Palette::colorblind}) {
    const Rgb mid = palette_color(p, ColorKind::diverging, 0.5);
    CHECK(mid.r == 247);
    CHECK(mid.g == 247);
    CHECK(mid.b == 247);
    const auto luminance = [](Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; };
    double last = 1e9;
    for (int k = 0; k <= 10; ++k) {  // sequential: darker all the way up, so order reads without hue
      const double l = luminance(palette_color(p, ColorKind::sequential, k / 10.0));
      CHECK(l < last);
      last = l;
    }
    const Rgb lo = palette_color(p, ColorKind::diverging, 0), hi = palette_color(p, ColorKind::diverging, 1);
    CHECK((lo.r != hi.r || lo.g != hi.g || lo.b != hi.b));
    const Rgb clamped = palette_color(p, ColorKind::sequential, 7.0);
    const Rgb top = palette_color(p, ColorKind::sequential, 1.0);
    CHECK((clamped.r == top.r && clamped.g == top.g && clamped.b == top.b));
  }
  const Rgb viridis_top = palette_color(Palette::colorblind, ColorKind::sequential, 1.0);
  CHECK((viridis_top.r == 68 && viridis_top.g == 1 && viridis_top.b == 84));
}

TEST_CASE("color range: a range the user set, for signed maps and weight maps; auto restores; a wrong one refused") {
  ColorScaleSettings settings;
  settings.user_signed = true;
  settings.signed_lo = -1;
  settings.signed_hi = 4;
  ColorRangeChoice r = choose_color_range(ColorKind::diverging, RangeRule::auto_range, settings, 0, 0);
  CHECK_FALSE(r.needs_scan);
  CHECK(r.lo == -1);
  CHECK(r.hi == 4);
  CHECK(r.legend == "set by you: -1 to 4");
  CHECK(r.short_legend == "set");
  // zero stays white, each side spans its own end
  CHECK(color_position(0.0, r.lo, r.hi, ColorKind::diverging) == 0.5);
  CHECK(color_position(-1.0, r.lo, r.hi, ColorKind::diverging) == 0.0);
  CHECK(color_position(-0.5, r.lo, r.hi, ColorKind::diverging) == 0.25);
  CHECK(color_position(2.0, r.lo, r.hi, ColorKind::diverging) == 0.75);
  CHECK(color_position(9.0, r.lo, r.hi, ColorKind::diverging) == 1.0);
  CHECK(color_position(std::nan(""), r.lo, r.hi, ColorKind::diverging) == 0.0);
  CHECK(color_position(0.5, 0, 1, ColorKind::diverging) == 0.5);  // a range not across zero: linear
  // the signed range leaves weights alone, and a view's own range (precision digits) wins
  CHECK(choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1).hi == 1);
  CHECK(choose_color_range(ColorKind::diverging, RangeRule::user, settings, 0, 2).hi == 2);

  settings.user_weights = true;
  settings.weights_max = 0.2;
  const ColorRangeChoice w = choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1);
  CHECK(w.lo == 0);
  CHECK(w.hi == 0.2);
  CHECK(w.legend == "set by you: 0 to 0.2");
  CHECK(color_position(0.1, w.lo, w.hi, ColorKind::sequential) == 0.5);
  CHECK(user_range_problem(settings).empty());

  settings.signed_hi = -3;  // min above max: refused, the auto range drawn, and the reason given
  CHECK(choose_color_range(ColorKind::diverging, RangeRule::auto_range, settings, 0, 0).needs_scan);
  CHECK(user_range_problem(settings).find("must be below max") != std::string::npos);
  settings.signed_hi = 4;
  settings.weights_max = 0;
  CHECK(choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1).legend == "fixed 0 to 1");
  CHECK(user_range_problem(settings).find("above 0") != std::string::npos);

  settings.user_signed = settings.user_weights = false;  // "auto" restores the matrix's own range
  CHECK(choose_color_range(ColorKind::diverging, RangeRule::auto_range, settings, 0, 0).needs_scan);
  CHECK(choose_color_range(ColorKind::sequential, RangeRule::unit, settings, 0, 1).short_legend == "fixed");
}

TEST_CASE("head colours: distinct for the palette's count, then repeating") {
  for (Palette p : {Palette::classic, Palette::colorblind}) {
    const int n = head_color_count(p);
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b) {
        const Rgb x = head_color(p, a), y = head_color(p, b);
        CHECK((x.r != y.r || x.g != y.g || x.b != y.b));
      }
    const Rgb first = head_color(p, 0), again = head_color(p, n);
    CHECK((first.r == again.r && first.g == again.g && first.b == again.b));
  }
}
