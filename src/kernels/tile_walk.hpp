// The tiled kernel's walk over one head of a scenario, recorded as it runs (core/tile_walk.hpp): the Cost view's
// FlashAttention animation and its tests. The head is the one the trace holds (q, k, v after RoPE), with the
// scenario's scale, mask and variants, run by kernels::TiledKernel at the given block sizes on one thread.
#pragma once

#include "core/scenario.hpp"
#include "core/tile_walk.hpp"
#include "core/trace.hpp"

namespace ap::kernels {

// Throws core::InputError when the trace does not hold the head's q, k, v or the sizes are not valid_tile_sizes.
core::TileWalk record_tile_walk(const core::Scenario& s, const core::Trace& trace, int head, const core::TileSizes& sizes);

}  // namespace ap::kernels
