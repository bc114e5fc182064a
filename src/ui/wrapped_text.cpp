// Text wrapped at the visible edge (see wrapped_text.hpp).
#include "ui/wrapped_text.hpp"

#include <cstdarg>

namespace ap::ui {

namespace {

void wrapped_v(const char* fmt, va_list args) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::PushTextWrapPos(ImGui::GetScrollX() + ImGui::GetWindowWidth() - style.WindowPadding.x - style.ScrollbarSize);
  ImGui::TextV(fmt, args);
  ImGui::PopTextWrapPos();
}

}  // namespace

void text_wrapped_visible(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  wrapped_v(fmt, args);
  va_end(args);
}

void note_wrapped_visible(const char* fmt, ...) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  va_list args;
  va_start(args, fmt);
  wrapped_v(fmt, args);
  va_end(args);
  ImGui::PopStyleColor();
}

}  // namespace ap::ui
