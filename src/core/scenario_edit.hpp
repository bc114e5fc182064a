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
// The editor's head stepper: `heads` heads with d_k = d_v = d_model / heads where that divides, else d_k and d_v
// as they are (core/edit_notes.hpp says which in one line).
Scenario with_head_count(const Scenario& s, int heads);
// Changes the number of K/V heads g (grouped-query attention; SPEC §1b kv_heads), keeping the user's K and V
// numbers: new K/V head j takes the W_K, W_V, b_K, b_V block of the K/V head that served its first query head
// before, so going from g to a multiple of g leaves every output unchanged. g == heads makes kv_heads absent.
// Validation decides whether g divides heads.
Scenario with_kv_heads(const Scenario& s, int kv_heads);
// The same layer with its scale folded into the projections: W_Q, b_Q and W_K, b_K times √scale (a negative
// scale goes into W_Q alone), scale "none". Equal in exact arithmetic; in fp16 q·k is then computed already
// scaled, which is how PyTorch's math attention keeps the product from overflowing.
Scenario with_scale_folded(const Scenario& s);

}  // namespace ap::core

namespace ap::core {

enum class ProjectionRole { query, key };

// Moves token `row`'s projected vector in one head (q or k, d_k wide) to `target` by the smallest change of
// that token's x row (least squares through the pseudo-inverse of the head's W block), as the geometry view's
// drag does. Throws InputError when RoPE is on (the rotation depends on position; edit x instead).
Scenario with_projection_moved(const Scenario& s, ProjectionRole role, int head, int row, const std::vector<double>& target,
                               const std::vector<double>& current);

}  // namespace ap::core
