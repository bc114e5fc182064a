// Pure edits that change a scenario's shape (tokens, d_model, heads, d_k, d_v) while keeping every
// number the user typed that still has a place. The UI proposes the result; validation decides.
#pragma once

#include "core/scenario.hpp"

namespace ap::core {

// Grows or shrinks x (and tokens) to `count` rows; new rows are zero.
Scenario with_token_count(const Scenario& s, int count);
// Grows or shrinks the context sequence; count 0 removes it (self-attention again).
Scenario with_context_count(const Scenario& s, int count);
// Changes d_model: x, context, w_* rows / w_o columns, b_o, learned table; new entries identity-like.
Scenario with_d_model(const Scenario& s, int d_model);
// Changes heads / d_k / d_v: weight blocks are kept where head and column still exist.
Scenario with_head_shape(const Scenario& s, int heads, int d_k, int d_v);

}  // namespace ap::core
