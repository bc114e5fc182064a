// The file bar above the editor: open and save scenarios, import .npy, share a link, export (PNG of a
// view, trace JSON, CSV, copy as PyTorch). Requests go to the platform through ui/exchange.hpp.
#pragma once

#include "ui/app_state.hpp"
#include "ui/exchange.hpp"
#include "ui/views.hpp"

namespace ap::ui {

// Share links longer than this are not offered as links (chat and mail clients cut long URLs);
// the scenario is offered as a JSON file instead.
inline constexpr std::size_t max_share_link_chars = 16384;

void draw_file_bar(AppState& state, ViewState& view);

// "scenario as a share link": page_url + "#s=z.<compressed scenario>" (io/share_link.hpp).
std::string share_link(const AppState& state);

}  // namespace ap::ui
