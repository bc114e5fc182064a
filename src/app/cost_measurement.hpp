// The app's CostService (ui/cost_service.hpp): times one N × N head (d_k = d_v = 64, no mask, one thread) on each
// float backend of the registry, a piece of query rows at a time inside the frame's budget (core::CostPlan), and
// runs the tiled kernel with a recorder for the Cost view's walk (kernels/tile_walk.hpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/attention_cost.hpp"
#include "core/kernel.hpp"
#include "core/matrix.hpp"
#include "ui/cost_service.hpp"

namespace ap::app {

class CostMeasurementService final : public ui::CostService {
 public:
  static constexpr int d_k = 64;
  static constexpr int first_size = 64, largest_size = 8192;

  void start() override;
  bool advance(double budget_ms) override;
  const ui::CostMeasurement& measurement() const override { return measurement_; }
  std::vector<core::TileSizes> tile_choices() const override;
  core::TileWalk tile_walk(const core::Scenario& s, const core::Trace& trace, int head,
                           const core::TileSizes& sizes) override;

 private:
  std::optional<core::CostPlan> plan_;
  std::map<std::string, std::unique_ptr<core::Kernel<float>>> kernels_;  // by backend name, kept between pieces
  core::MatrixF q_, k_, v_, out_;  // largest_size × d_k each, seeded random
  ui::CostMeasurement measurement_;
};

}  // namespace ap::app
