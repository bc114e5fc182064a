// The app's ComputeService: runs the chosen backend from the kernel registry, times it, and measures its
// largest difference from the double reference (shown beside the backend selector). `webgpu` (src/gpu)
// is asynchronous: compute() shows the reference at once and poll() swaps in the GPU's trace when it
// arrives, or keeps the reference with a note saying why the GPU could not deliver.
#pragma once

#include <cstdint>
#include <memory>

#include "gpu/attention_backend.hpp"
#include "ui/compute_service.hpp"

namespace ap::app {

class KernelComputeService final : public ui::ComputeService {
 public:
  KernelComputeService();

  std::vector<std::string> backends() const override;
  std::string backends_note() const override;
  ui::ComputeResult compute(const core::Scenario& scenario, const std::string& backend) override;
  bool poll(ui::ComputeResult& out) override;

  // GPU work under way (a job, its readback, the device's shader compile, a benchmark).
  bool gpu_busy() const { return gpu_->busy(); }
  gpu::AttentionBackend& gpu() { return *gpu_; }
  void set_gpu_output_kernel(gpu::OutputKernel kernel) { gpu_options_.output_kernel = kernel; }

 private:
  std::unique_ptr<gpu::AttentionBackend> gpu_;
  gpu::RunOptions gpu_options_;
  std::uint64_t request_ = 0;   // bumped by every compute(); the GPU's answer to an older one is dropped
  bool gpu_request_open_ = false;
  core::Trace reference_;       // of the open GPU request: shown while it runs, and what it is checked against
};

}  // namespace ap::app
