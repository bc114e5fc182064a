// Colour maps: diverging (blue–white–red) for signed values like scores, sequential (white → deep blue)
// for weights in [0, 1]. Colour only: the numbers come from the trace.
#pragma once

#include <imgui.h>

namespace ap::ui {

enum class ColorMap { diverging, sequential };

// t in [0, 1] (diverging: 0.5 is zero). Returns an ImGui packed colour.
ImU32 colormap_color(ColorMap map, float t);
// Black or white, whichever reads better on `background`.
ImU32 text_color_on(ImU32 background);

}  // namespace ap::ui
