// core::palette_color looked up in a 1024-entry table per palette and map (a 4096 × 4096 heatmap colours 16 M
// cells; the table makes that a lookup each).
#include "ui/colormap.hpp"

#include <algorithm>
#include <array>

namespace ap::ui {

namespace {

constexpr int table_size = 1024;
using Table = std::array<ImU32, table_size>;

struct Tables {
  std::array<Table, 4> table{};  // [palette][map]: classic diverging, classic sequential, colour-blind ones
  Tables() {
    for (int p = 0; p < 2; ++p)
      for (int m = 0; m < 2; ++m)
        for (int i = 0; i < table_size; ++i) {
          const core::Rgb c = core::palette_color(static_cast<core::Palette>(p), m == 0 ? core::ColorKind::diverging : core::ColorKind::sequential,
                                                  static_cast<double>(i) / (table_size - 1));
          table[static_cast<std::size_t>(2 * p + m)][static_cast<std::size_t>(i)] = IM_COL32(c.r, c.g, c.b, 255);
        }
  }
};

const Tables& tables() {
  static const Tables t;  // immutable once built
  return t;
}

}  // namespace

ImU32 colormap_color(ColorMap map, float t, core::Palette palette) {
  if (!(t >= 0.0f)) t = 0.0f;  // and NaN
  const int i = static_cast<int>(std::min(t, 1.0f) * (table_size - 1) + 0.5f);
  const int which = 2 * static_cast<int>(palette) + (map == ColorMap::diverging ? 0 : 1);
  return tables().table[static_cast<std::size_t>(which)][static_cast<std::size_t>(i)];
}

ImU32 text_color_on(ImU32 background) {
  const float r = static_cast<float>((background >> IM_COL32_R_SHIFT) & 0xFF);
  const float g = static_cast<float>((background >> IM_COL32_G_SHIFT) & 0xFF);
  const float b = static_cast<float>((background >> IM_COL32_B_SHIFT) & 0xFF);
  return 0.299f * r + 0.587f * g + 0.114f * b > 140.0f ? IM_COL32(20, 20, 20, 255) : IM_COL32(250, 250, 250, 255);
}

}  // namespace ap::ui
