// One line saying what an edit changed beyond the field the user touched, for the editor's notice: a head count
// that re-splits the weights and changes d_k, a cross-attention switch whose causal mask hides some of the new
// keys from every query. Empty when there is nothing to say. std only.
#pragma once

#include <string>

#include "core/scenario.hpp"

namespace ap::core {

// before → after changed the number of heads (with_head_count).
std::string head_count_note(const Scenario& before, const Scenario& after);
// before → after switched cross-attention on or off, or changed the number of context tokens.
std::string context_note(const Scenario& before, const Scenario& after);

}  // namespace ap::core
