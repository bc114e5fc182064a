// Applies what the platform handed over (ui/exchange.hpp): dropped or picked files (scenario JSON, .npy)
// and pasted text (into the grid cell last clicked). Each is one undo step, or a refusal with a message
// that names the file, line and column, leaving the scenario as it was.
#pragma once

#include <string>

#include "ui/app_state.hpp"
#include "ui/exchange.hpp"
#include "ui/matrix_editor.hpp"

namespace ap::ui {

// npy_target: the matrix a .npy goes into unless its file name is a matrix's ("w_q.npy", "x.npy");
// focused: the grid cell last clicked, where a paste goes.
void apply_arrivals(AppState& state, Exchange& exchange, const std::string& npy_target,
                    const std::optional<FocusedCell>& focused);

}  // namespace ap::ui
