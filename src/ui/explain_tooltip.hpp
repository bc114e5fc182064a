// The hover explanation of one trace cell: core::explain_cell's breakdown (SPEC §3 explain(id)) in a tooltip that
// always fits the screen: at most 16 terms (the largest, then "… n more, together x"), wrapped at a fixed width.
// Draws only; every number comes from core/breakdown.
#pragma once

#include <string>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::ui {

constexpr int tooltip_terms = 16;  // terms listed before the rest are summed into one line

// "scores[h][i][j]" and the others of core/breakdown.hpp.
std::string cell_id(const char* kind, int a, int b, int c = -1);

// A tooltip for `id` (nothing for an id the trace cannot explain). `note`, when given, is one more line under it.
void explain_tooltip(const core::Scenario& s, const core::Trace& t, const std::string& id, const std::string& note = "");

}  // namespace ap::ui
