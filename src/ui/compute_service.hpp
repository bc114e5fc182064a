// What the UI needs from the layers it may not see (kernels, gpu): the backends and a way to compute that never
// holds up a frame. The app implements it (app/kernel_compute_service.cpp); tests implement it with the
// reference alone. AppState calls cancel() before it changes the scenario a computation reads.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::ui {

struct ComputeRequest {
  std::string backend;
  std::vector<int> shown_heads;  // heads whose N × M matrices the views need (large layers record only these)
};

struct ComputeResult {
  core::Trace trace;
  double milliseconds = 0;            // from the request to this result (compute, plus frames drawn meanwhile)
  double max_diff_vs_reference = 0;   // largest |backend − reference| over output and recorded weights
  bool compared = false;              // max_diff_vs_reference is known
  std::string note;                   // shown beside the backend: the GPU's kernel and time, or why it fell back
  std::vector<int> recorded_heads;    // heads with N × M matrices in the trace (every head when small)
};

class ComputeService {
 public:
  virtual ~ComputeService() = default;
  virtual std::vector<std::string> backends() const = 0;
  // A line about a backend this build or browser lacks ("webgpu: not available in the native build").
  virtual std::string backends_note() const { return {}; }

  // Starts computing `scenario`, dropping what was under way. `scenario` must stay unchanged until the result
  // has arrived or cancel() has returned. Small layers may be done before submit() returns (see poll).
  virtual void submit(const core::Scenario& scenario, const ComputeRequest& request) = 0;
  // Drops the computation under way; once it returns nothing reads the scenario any more.
  virtual void cancel() = 0;
  // Called every frame with the milliseconds the frame can spare: true when `out` holds the result of the
  // last submit(). Afterwards it may compare that result with the reference in the background.
  virtual bool poll(ComputeResult& out, double budget_ms) = 0;
  // The comparison with the reference, once it finished: true once, with the largest difference between the
  // reference and `shown` (the result poll() handed out last, which the service keeps no copy of).
  virtual bool poll_comparison(const core::Trace& shown, double& max_diff) = 0;
  // The trace a new result replaced: a service may write the next result into its memory (no new allocation).
  virtual void recycle(core::Trace) {}
  virtual bool computing() const = 0;   // the result of the last submit() is still to come
  virtual bool comparing() const = 0;   // the background comparison is under way
  virtual double progress() const = 0;  // of what is under way, 0 … 1
  // Past the size where it runs by itself, the comparison with the reference starts on request.
  virtual void compare_with_reference() = 0;
};

}  // namespace ap::ui
