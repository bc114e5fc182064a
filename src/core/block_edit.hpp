// Putting a block of numbers (a paste, an imported .npy) into one of the scenario's matrices, by the
// widget name the user sees: "x", "context.x", "w_q", "w_k", "w_v", "w_o", "b_q" … "b_o",
// "positional.learned". Pure; the UI proposes the result and validation decides.
#pragma once

#include <string_view>
#include <vector>

#include "core/scenario.hpp"

namespace ap::core {

// The matrices a block can go into, in the order the editor shows them.
const std::vector<std::string_view>& block_targets();

// How a block goes in. paste: a block that fits overwrites those cells only (as in a spreadsheet), one
// that does not fit may still replace the whole matrix when placed at [0][0]. replace (an imported .npy):
// the block becomes the whole matrix.
enum class BlockMode { paste, replace };

// Writes `block` into `target` with its top-left corner at (row, col).
// Replacing a whole matrix by one of another shape changes the scenario's shape to hold it: x sets N and d_model (weights keep their overlap), context.x sets M; w_q / w_k set d_k
//   (columns = h·d_k), w_v sets d_v, w_o sets d_v from its rows; the rows of W_Q/W_K/W_V (and W_O's
//   columns) must equal d_model.
// Anything else throws InputError naming the target and the shapes, e.g.
//   `w_q: a 3 × 8 block does not fit at [2][1] of a 4 × 4 matrix (paste at [0][0] to replace it)`.
// Sizes are checked against core/limits.hpp before anything is allocated.
Scenario with_block(const Scenario& s, std::string_view target, int row, int col, const Matrix& block,
                    BlockMode mode = BlockMode::paste);

}  // namespace ap::core
