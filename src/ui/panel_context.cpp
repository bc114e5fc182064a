// The panels' shared state, found through the current ImGui context.
#include "ui/panel_context.hpp"

#include <stdexcept>

#include <imgui.h>

namespace ap::ui {

void install_panel_context(PanelContext& context) { ImGui::GetIO().UserData = &context; }

PanelContext& panel_context() {
  if (!ImGui::GetCurrentContext() || !ImGui::GetIO().UserData)
    throw std::logic_error("ui: no panel context installed on the current ImGui context");
  return *static_cast<PanelContext*>(ImGui::GetIO().UserData);
}

Exchange& exchange() { return panel_context().exchange; }
WidgetRects& widget_rects() { return panel_context().widget_rects; }

}  // namespace ap::ui
