// Colour maps as ImGui colours: diverging for signed values like scores, sequential for weights in [0, 1], in the
// palette chosen (core/color_scale.hpp holds the palettes and the range rules). Colour only: the numbers come from the trace.
#pragma once

#include <imgui.h>

#include "core/color_scale.hpp"

namespace ap::ui {

enum class ColorMap { diverging, sequential };

// t in [0, 1] (diverging: 0.5 is zero). Returns an ImGui packed colour.
ImU32 colormap_color(ColorMap map, float t, core::Palette palette = core::Palette::classic);
// Black or white, whichever reads better on `background`.
ImU32 text_color_on(ImU32 background);

}  // namespace ap::ui
