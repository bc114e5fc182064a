// The app's ComputeService: runs the chosen backend from the kernel registry through a ComputeRunner (a thread on
// the desktop, frame slices in the page), then compares the result with the double reference in the background
// where that is cheap (on request past that). `webgpu` (src/gpu) is asynchronous by itself: its result arrives
// through poll() too, or the CPU computes instead with a note saying why.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include "app/compute_runner.hpp"
#include "core/reference_kernel.hpp"
#include "gpu/attention_backend.hpp"
#include "ui/compute_service.hpp"

namespace ap::app {

// The comparison runs by itself when the reference's work is at most this many multiply-adds (about 0.1 s).
inline constexpr double automatic_comparison_work = 6e7;

class KernelComputeService final : public ui::ComputeService {
 public:
  KernelComputeService();
  ~KernelComputeService() override;

  std::vector<std::string> backends() const override;
  std::string backends_note() const override;
  void submit(const core::Scenario& scenario, const ui::ComputeRequest& request) override;
  void cancel() override;
  bool poll(ui::ComputeResult& out, double budget_ms) override;
  bool poll_comparison(const core::Trace& shown, double& max_diff) override;
  void recycle(core::Trace old) override { spare_ = std::move(old); }
  bool computing() const override { return phase_ == Phase::computing || phase_ == Phase::gpu; }
  bool comparing() const override { return phase_ == Phase::comparing; }
  double progress() const override { return runner_->progress(); }
  void compare_with_reference() override;

  // GPU work under way (a job, its readback, the device's shader compile, a benchmark).
  bool gpu_busy() const { return gpu_->busy(); }
  gpu::AttentionBackend& gpu() { return *gpu_; }
  void set_gpu_output_kernel(gpu::OutputKernel kernel) { gpu_options_.output_kernel = kernel; }

 private:
  enum class Phase { idle, computing, gpu, comparing };
  void start_cpu(const std::string& backend);
  void start_comparison();
  void start_comparison_if_cheap();
  bool poll_gpu(ui::ComputeResult& out);
  core::JobOptions job_options() const;

  std::unique_ptr<ComputeRunner> runner_;
  std::map<std::string, std::unique_ptr<core::Kernel<float>>> kernels_;  // kept: they reuse their buffers
  core::ReferenceKernel reference_kernel_;
  std::unique_ptr<gpu::AttentionBackend> gpu_;
  gpu::RunOptions gpu_options_;

  Phase phase_ = Phase::idle;
  const core::Scenario* scenario_ = nullptr;  // what the last submit() computes; null after cancel()
  ui::ComputeRequest request_;
  std::vector<int> recorded_heads_;
  std::uint64_t gpu_tag_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string note_;                          // for the result: why the CPU computed instead of the GPU

  core::Trace spare_;       // the result the last one replaced: the next CPU job writes into its memory
  core::Trace reference_trace_;  // the finished comparison's trace, until poll_comparison() measured the difference
  bool comparison_ready_ = false;
};

}  // namespace ap::app
