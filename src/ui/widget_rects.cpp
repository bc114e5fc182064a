// Widget rectangle registry; visible (clipped) items only, so a rect is always clickable.
#include "ui/widget_rects.hpp"

namespace ap::ui {

void WidgetRects::record(const std::string& id, ImVec2 min, ImVec2 max) {
  current_[id] = Rect{min.x, min.y, max.x - min.x, max.y - min.y};
}

void WidgetRects::record_last_item(const std::string& id) {
  if (id == reveal_ && !reveal_.empty()) {  // scroll its window so the item is in the middle (next frame)
    ImGui::SetScrollHereX(0.5f);
    ImGui::SetScrollHereY(0.5f);
  }
  if (!ImGui::IsItemVisible()) return;
  record(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

std::optional<Rect> WidgetRects::find(const std::string& id) const {
  const auto it = last_.find(id);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ap::ui
