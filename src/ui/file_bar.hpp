// The file bar above the editor: open and save scenarios, import .npy, share a link, export (PNG of a
// view, trace JSON, CSV, copy as PyTorch). Requests go to the platform through ui/exchange.hpp.
#pragma once

#include "ui/app_state.hpp"
#include "ui/widget_rects.hpp"
#include "ui/views.hpp"

namespace ap::ui {

// Share links longer than this are not offered as links (chat and mail clients cut long URLs);
// the scenario is offered as a JSON file instead.
inline constexpr std::size_t max_share_link_chars = 16384;

void draw_file_bar(AppState& state, ViewState& view);

// "scenario as a share link": page_url + "#s=z.<compressed scenario>" (io/share_link.hpp).
std::string share_link(const AppState& state);

// Saving and capturing, also used by the heatmaps' context menus.
void request_save(std::string name, std::string mime, std::string bytes);
void request_capture(Rect rect, std::string name);  // framebuffer pixels, after the next frames
void request_copy(std::string text, const std::string& what);

}  // namespace ap::ui
