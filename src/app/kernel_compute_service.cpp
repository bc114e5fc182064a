// Compute, time, compare with the reference; the GPU's results arrive through poll().
#include "app/kernel_compute_service.hpp"

#include <chrono>
#include <cstdio>

#include "kernels/registry.hpp"

namespace ap::app {

namespace {

double max_abs_diff(const core::Matrix& a, const core::Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.size() == 0) return 0.0;
  return (a - b).cwiseAbs().maxCoeff();
}

// Over the output and every head's weights, as the selector's line says.
double max_diff(const core::Trace& trace, const core::Trace& ref) {
  double d = max_abs_diff(trace.output, ref.output);
  for (std::size_t h = 0; h < ref.heads.size() && h < trace.heads.size(); ++h)
    d = std::max(d, max_abs_diff(trace.heads[h].weights, ref.heads[h].weights));
  return d;
}

}  // namespace

KernelComputeService::KernelComputeService() : gpu_(gpu::make_attention_backend()) {}

std::vector<std::string> KernelComputeService::backends() const {
  auto names = kernels::backend_names();
  if (gpu_->status().usable()) names.push_back("webgpu");
  return names;
}

std::string KernelComputeService::backends_note() const {
  const gpu::Status s = gpu_->status();
  return s.usable() ? std::string() : s.message;
}

ui::ComputeResult KernelComputeService::compute(const core::Scenario& scenario, const std::string& backend) {
  ++request_;
  gpu_request_open_ = false;
  ui::ComputeResult r;
  if (backend == "webgpu") {
    const auto t0 = std::chrono::steady_clock::now();
    r.trace = kernels::run_backend("reference", scenario);
    r.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::string why_not;
    if (gpu_->submit(scenario, request_, gpu_options_, &why_not)) {
      reference_ = r.trace;
      gpu_request_open_ = true;
      r.pending = true;
    } else {
      r.note = why_not + "; computed on the CPU (reference) instead";  // why_not starts "webgpu: "
    }
    return r;
  }
  const auto t0 = std::chrono::steady_clock::now();
  r.trace = kernels::run_backend(backend, scenario);
  r.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (backend != "reference") r.max_diff_vs_reference = max_diff(r.trace, kernels::run_backend("reference", scenario));
  return r;
}

bool KernelComputeService::poll(ui::ComputeResult& out) {
  gpu::Result g;
  while (gpu_->poll(g)) {
    if (!gpu_request_open_ || g.tag != request_) continue;  // an answer to an older request
    gpu_request_open_ = false;
    out = ui::ComputeResult{};
    if (g.ok) {
      out.trace = std::move(g.trace);
      out.milliseconds = g.milliseconds;
      out.max_diff_vs_reference = max_diff(out.trace, reference_);
      char line[200];
      std::snprintf(line, sizeof line, "webgpu: outputs by %s.wgsl; GPU %.1f ms of %.1f ms (projections and W_O on the CPU)",
                    g.output_kernel.c_str(), g.gpu_milliseconds, g.milliseconds);
      out.note = line;
    } else {
      out.trace = std::move(reference_);
      out.note = "webgpu failed: " + g.error + "; computed on the CPU (reference) instead";
    }
    reference_ = core::Trace{};
    return true;
  }
  return false;
}

}  // namespace ap::app
