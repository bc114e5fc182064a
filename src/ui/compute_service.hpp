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
  bool pending = false;             // an asynchronous backend (the GPU) is still at it; trace is the CPU's meanwhile
  std::string note;                 // shown beside the backend: the GPU's kernel and time, or why it fell back
};

class ComputeService {
 public:
  virtual ~ComputeService() = default;
  virtual std::vector<std::string> backends() const = 0;
  virtual ComputeResult compute(const core::Scenario& scenario, const std::string& backend) = 0;

  // Asynchronous backends. compute() may answer with pending = true; poll(), called every frame, is then
  // true once the result of the latest compute() is in `out` (synchronous services never have one).
  virtual bool poll(ComputeResult& /*out*/) { return false; }
  // A line about a backend this build or browser lacks ("webgpu: not available in the native build").
  virtual std::string backends_note() const { return {}; }
};

}  // namespace ap::ui
