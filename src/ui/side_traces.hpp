// Second traces for the SPEC §1b views: the scenario on screen with one thing changed (another fill, another
// precision, no ALiBi …), computed by core's reference in double. Never more than one a frame, only for layers
// within core::side_trace_budget (a larger one is refused politely), cached until the scenario changes; and the
// views' derived matrices, cached the same way. The UI asks core for every number; it computes none.
#pragma once

#include <functional>
#include <string>

#include "ui/app_state.hpp"
#include "ui/variant_state.hpp"

namespace ap::ui {

struct SideTrace {
  const core::Trace* trace = nullptr;  // null until computed, or when refused
  std::string note;                    // why it is null: still to come, too large, or the refusal's message
};

// The trace of vary(scenario on screen), cached under `key`.
SideTrace side_trace(SideTraces& cache, const AppState& state, const std::string& key,
                     const std::function<void(core::Scenario&)>& vary);

// A matrix derived from the scenario, its trace or its side traces, made once under `key` until either changes.
const core::Matrix& derived_matrix(VariantViewState& v, const AppState& state, const std::string& key,
                                   const std::function<core::Matrix()>& make);

}  // namespace ap::ui
