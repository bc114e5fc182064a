// Pure edits that change a scenario's shape (tokens, d_model, heads, d_k, d_v) while keeping every
// number the user typed that still has a place. The UI proposes the result; validation decides.
#pragma once

#include <vector>

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

namespace ap::core {

enum class ProjectionRole { query, key };

// Moves token `row`'s projected vector in one head (q or k, d_k wide) to `target` by the smallest change of
// that token's x row (least squares through the pseudo-inverse of the head's W block), as the geometry view's
// drag does. Throws InputError when RoPE is on (the rotation depends on position; edit x instead).
Scenario with_projection_moved(const Scenario& s, ProjectionRole role, int head, int row, const std::vector<double>& target,
                               const std::vector<double>& current);

}  // namespace ap::core
