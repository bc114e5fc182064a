// What the UI needs from the layers it may not see (kernels, gpu): the backends and a way to compute.
// The app implements it; tests can implement it with the reference alone.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::ui {

struct ComputeResult {
  core::Trace trace;
  double milliseconds = 0;          // time of the backend's compute
  double max_diff_vs_reference = 0; // largest |backend − reference| over output and weights
};

class ComputeService {
 public:
  virtual ~ComputeService() = default;
  virtual std::vector<std::string> backends() const = 0;
  virtual ComputeResult compute(const core::Scenario& scenario, const std::string& backend) = 0;
};

}  // namespace ap::ui
