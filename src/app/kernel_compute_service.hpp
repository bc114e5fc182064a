// The app's ComputeService: runs the chosen backend from the kernel registry, times it, and measures its
// largest difference from the double reference (shown beside the backend selector).
#pragma once

#include "ui/compute_service.hpp"

namespace ap::app {

class KernelComputeService final : public ui::ComputeService {
 public:
  std::vector<std::string> backends() const override;
  ui::ComputeResult compute(const core::Scenario& scenario, const std::string& backend) override;
};

}  // namespace ap::app
