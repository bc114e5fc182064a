// Compute, time, compare with the reference.
#include "app/kernel_compute_service.hpp"

#include <chrono>

#include "kernels/registry.hpp"

namespace ap::app {

namespace {

double max_abs_diff(const core::Matrix& a, const core::Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.size() == 0) return 0.0;
  return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

std::vector<std::string> KernelComputeService::backends() const { return kernels::backend_names(); }

ui::ComputeResult KernelComputeService::compute(const core::Scenario& scenario, const std::string& backend) {
  ui::ComputeResult r;
  const auto t0 = std::chrono::steady_clock::now();
  r.trace = kernels::run_backend(backend, scenario);
  r.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (backend != "reference") {
    const core::Trace ref = kernels::run_backend("reference", scenario);
    r.max_diff_vs_reference = max_abs_diff(r.trace.output, ref.output);
    for (std::size_t h = 0; h < ref.heads.size() && h < r.trace.heads.size(); ++h)
      r.max_diff_vs_reference = std::max(r.max_diff_vs_reference, max_abs_diff(r.trace.heads[h].weights, ref.heads[h].weights));
  }
  return r;
}

}  // namespace ap::app
