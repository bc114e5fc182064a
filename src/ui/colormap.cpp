// Piecewise-linear colour maps through a few hand-picked stops (ColorBrewer RdBu and Blues), looked up in a
// 1024-entry table (a 4096 × 4096 heatmap colours 16 M cells; the table makes that a lookup each).
#include "ui/colormap.hpp"

#include <algorithm>
#include <array>

namespace ap::ui {

namespace {

struct Stop {
  float r, g, b;
};

template <std::size_t N>
ImU32 interpolate(const std::array<Stop, N>& stops, float t) {
  t = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(N - 1);
  const auto i = std::min(static_cast<std::size_t>(t), N - 2);
  const float f = t - static_cast<float>(i);
  const Stop& a = stops[i];
  const Stop& b = stops[i + 1];
  return IM_COL32(static_cast<int>(a.r + (b.r - a.r) * f), static_cast<int>(a.g + (b.g - a.g) * f),
                  static_cast<int>(a.b + (b.b - a.b) * f), 255);
}

constexpr std::array<Stop, 5> diverging_stops{{{33, 102, 172}, {146, 197, 222}, {247, 247, 247}, {244, 165, 130}, {178, 24, 43}}};
constexpr std::array<Stop, 4> sequential_stops{{{247, 251, 255}, {158, 202, 225}, {49, 130, 189}, {8, 48, 107}}};

constexpr int table_size = 1024;

struct Tables {
  std::array<ImU32, table_size> diverging{}, sequential{};
  Tables() {
    for (int i = 0; i < table_size; ++i) {
      const float t = static_cast<float>(i) / (table_size - 1);
      diverging[static_cast<std::size_t>(i)] = interpolate(diverging_stops, t);
      sequential[static_cast<std::size_t>(i)] = interpolate(sequential_stops, t);
    }
  }
};

const Tables& tables() {
  static const Tables t;  // immutable once built
  return t;
}

}  // namespace

ImU32 colormap_color(ColorMap map, float t) {
  if (!(t >= 0.0f)) t = 0.0f;  // and NaN
  const int i = static_cast<int>(std::min(t, 1.0f) * (table_size - 1) + 0.5f);
  const auto& table = map == ColorMap::diverging ? tables().diverging : tables().sequential;
  return table[static_cast<std::size_t>(i)];
}

ImU32 text_color_on(ImU32 background) {
  const float r = static_cast<float>((background >> IM_COL32_R_SHIFT) & 0xFF);
  const float g = static_cast<float>((background >> IM_COL32_G_SHIFT) & 0xFF);
  const float b = static_cast<float>((background >> IM_COL32_B_SHIFT) & 0xFF);
  return 0.299f * r + 0.587f * g + 0.114f * b > 140.0f ? IM_COL32(20, 20, 20, 255) : IM_COL32(250, 250, 250, 255);
}

}  // namespace ap::ui
