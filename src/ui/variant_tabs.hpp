// The views of SPEC §1b: the Variants tab (grouped-query attention, ALiBi, soft-capping, sinks, the mask fill,
// each a tab of its own inside it), the precision lab and the KV-cache decode view. Each draws the trace and what
// core derives from it (core/variant_views.hpp); second traces come from ui/side_traces.hpp.
#pragma once

#include "ui/views.hpp"

namespace ap::ui {

void draw_variants_view(AppState& state, ViewState& view);
void draw_precision_view(AppState& state, ViewState& view);
void draw_decode_view(AppState& state, ViewState& view);

// The Variants tab's own tabs.
void draw_gqa_section(AppState& state, ViewState& view);
void draw_alibi_section(AppState& state, ViewState& view);
void draw_softcap_section(AppState& state, ViewState& view);
void draw_sinks_section(AppState& state, ViewState& view);
void draw_mask_fill_section(AppState& state, ViewState& view);

// Shared by them: a wrapped line in the dimmed colour; a preset loaded as the editor's menu would.
void note(const char* text);
void load_preset(AppState& state, ViewState& view, const char* id);

}  // namespace ap::ui
