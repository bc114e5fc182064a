// What the panels of one app share: the exchange with the platform and the registry of widget rectangles.
// Its owner (app::Shell, a test's NullUi) makes one beside its ImGui context and hangs it on that context
// (ImGuiIO::UserData), so it lives and dies with the context it belongs to, and no function static holds it.
#pragma once

#include "ui/exchange.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

struct PanelContext {
  Exchange exchange;
  WidgetRects widget_rects;
};

// Hangs `context` on the current ImGui context; exchange() and widget_rects() then answer with its parts.
void install_panel_context(PanelContext& context);
// The current ImGui context's; throws std::logic_error when there is no ImGui context or none was installed.
PanelContext& panel_context();

}  // namespace ap::ui
