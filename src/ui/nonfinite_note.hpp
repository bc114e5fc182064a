// The explanation every view shows when a trace holds ±∞ or NaN cells (SPEC §1b: listed and explained, never
// hidden): how many and in which matrices, where they began and why, from core::summarize_nonfinite. Draws
// nothing for a trace without them.
#pragma once

#include <string>

#include "core/variant_views.hpp"
#include "ui/app_state.hpp"
#include "ui/variant_state.hpp"

namespace ap::ui {

// `what` names the trace ("this trace", "the fp16 trace"); the note is widget `widget_id`.
void draw_nonfinite_note(const core::NonFiniteSummary& summary, const std::string& computed_in, const std::string& what,
                         const std::string& widget_id);
// The note for the trace on screen (widget status.nonfinite), its summary cached by AppState::revision().
void draw_trace_nonfinite_note(const AppState& state, VariantViewState& v);

}  // namespace ap::ui
