// Wrapped text that wraps at the visible right edge of its window, also when the window scrolls sideways (ImGui's
// TextWrapped wraps at the edge of the content, which a wide heatmap or grid pushes off screen).
#pragma once

#include <imgui.h>

namespace ap::ui {

void text_wrapped_visible(const char* fmt, ...) IM_FMTARGS(1);
// The same in the dimmed colour: a note or an explanation.
void note_wrapped_visible(const char* fmt, ...) IM_FMTARGS(1);

}  // namespace ap::ui
