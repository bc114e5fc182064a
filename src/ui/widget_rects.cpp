// Widget rectangle registry; visible (clipped) items only, so a rect is always clickable.
#include "ui/widget_rects.hpp"

#include <algorithm>

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
  // Only the part inside the clip rectangle can be clicked (an editor scrolled so that a field sits under the
  // window's edge): that part is recorded, and an item less than half visible counts as off screen, so that
  // widgetRect scrolls it into view first.
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  const ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 clip_min = draw->GetClipRectMin(), clip_max = draw->GetClipRectMax();
  const ImVec2 vis_min(std::max(min.x, clip_min.x), std::max(min.y, clip_min.y));
  const ImVec2 vis_max(std::min(max.x, clip_max.x), std::min(max.y, clip_max.y));
  if (vis_max.x - vis_min.x < 0.5f * (max.x - min.x) || vis_max.y - vis_min.y < 0.5f * (max.y - min.y)) return;
  record(id, vis_min, vis_max);
}

std::optional<Rect> WidgetRects::find(const std::string& id) const {
  const auto it = last_.find(id);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ap::ui
