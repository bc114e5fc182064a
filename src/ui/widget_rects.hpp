// Stable widget ids → screen rectangles, recorded as widgets are drawn, so tests can click the real
// widget (window.playground.widgetRect, SPEC §3). Coordinates are ImGui's (framebuffer pixels on the web).
#pragma once

#include <unordered_map>
#include <optional>
#include <string>

#include <imgui.h>

namespace ap::ui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

class WidgetRects {
 public:
  void begin_frame() { current_.clear(); }
  void end_frame() { last_.swap(current_); }
  void record(const std::string& id, ImVec2 min, ImVec2 max);
  void record_last_item(const std::string& id);  // the rectangle of the item just drawn
  std::optional<Rect> find(const std::string& id) const;
  const std::unordered_map<std::string, Rect>& all() const { return last_; }

  // Reveal: the next frames open what holds widget `id` (a folded weight section) and scroll it into view,
  // so a script can reach a cell that is off screen (window.playground.widgetRect). Empty: nothing to reveal.
  void request_reveal(std::string id) { reveal_ = std::move(id); }
  const std::string& reveal() const { return reveal_; }
  bool revealing(const std::string& prefix) const { return !reveal_.empty() && reveal_.rfind(prefix, 0) == 0; }

 private:
  std::unordered_map<std::string, Rect> current_, last_;
  std::string reveal_;
};

WidgetRects& widget_rects();  // the registry of the current panel context (ui/panel_context.hpp)

}  // namespace ap::ui
