// What the Cost view needs from the kernels (which the UI may not see): a live measurement of one head's time as N
// grows on each CPU backend of this build, run a frame's slice at a time, and the tiled kernel's recorded walk over
// a head of the scenario on screen (core/tile_walk.hpp). The app implements it (app/cost_measurement.cpp); the
// numbers all come from there and from core/attention_cost.hpp.
#pragma once

#include <string>
#include <vector>

#include "core/attention_cost.hpp"
#include "core/scenario.hpp"
#include "core/tile_walk.hpp"
#include "core/trace.hpp"

namespace ap::ui {

struct CostMeasurement {
  std::vector<core::CostCurve> curves;  // one per backend, the points measured so far
  std::vector<int> sizes;               // N of the plan
  int d_k = 0;                          // = d_v, one head, no mask, one thread
  bool running = false, finished = false;
  double progress = 0;                  // 0 … 1
  std::string instruction_sets;         // "simd, tiled: avx512f; eigen: …": what the numbers ran on
  core::TileSizes tiled_sizes;          // the tiled backend's own blocks
  unsigned revision = 0;                // bumped whenever a point is added
};

class CostService {
 public:
  virtual ~CostService() = default;
  virtual void start() = 0;  // a new measurement from the smallest size, dropping the one under way
  // Gives the measurement up to budget_ms of this frame (pieces of a few milliseconds); true when a point was added.
  virtual bool advance(double budget_ms) = 0;
  virtual const CostMeasurement& measurement() const = 0;
  // The block sizes the walk offers: the smallest the kernel takes first, its own last.
  virtual std::vector<core::TileSizes> tile_choices() const = 0;
  // The tiled kernel's walk over `head` of the trace on screen; throws core::InputError when it cannot.
  virtual core::TileWalk tile_walk(const core::Scenario& s, const core::Trace& trace, int head,
                                   const core::TileSizes& sizes) = 0;
};

}  // namespace ap::ui
