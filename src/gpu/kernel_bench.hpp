// Timing of each attention shader alone, and of CPU float kernels on the same inputs (web build).
// A GPU time is measured from queue submit to onSubmittedWorkDone, which in a browser includes a latency
// of its own (tens to hundreds of ms with Chromium's SwiftShader adapter). So the kernel is timed once
// alone, T(1), and then `batch` times in one submission, T(b), with b grown until the work dominates:
// time per dispatch = (T(b) − T(1)) / (b − 1). A kernel that already takes far longer than the latency
// is timed alone: T(1) − latency. Nothing waits: step() is called once a frame.
#pragma once

#include <string>
#include <vector>

#include "gpu/attention_backend.hpp"
#include "gpu/attention_gpu.hpp"
#include "gpu/webgpu_util.hpp"

namespace ap::gpu {

class KernelBench {
 public:
  // gpu must be prepared for the config's shape (N = M, d_k = d_v, matrices recorded).
  KernelBench(WGPUDevice device, WGPUQueue queue, AttentionGpu& gpu, const BenchConfig& config);

  bool step();  // advances; true once every kernel is timed (or an error stopped it)
  std::vector<BenchRow> rows() const;
  const std::string& error() const { return error_; }

 private:
  struct Timing {
    std::string kernel;        // "webgpu:<shader>", "webgpu:submit latency", or a CPU backend (+ ":outputs")
    int phase = 0;             // GPU: 0 warm-up, 1 alone, 2 growing the batch, 3 batched, 4 done
    int batch = 1;
    std::vector<double> alone, batched;  // ms of each submission
    double ms = 0, ms_min = 0;           // the result per dispatch
  };
  void submit(const Timing& t);
  void record(Timing& t, double ms);
  void run_cpu(Timing& t);

  WGPUDevice device_;
  WGPUQueue queue_;
  AttentionGpu& gpu_;
  BenchConfig config_;
  std::vector<float> q_, k_, v_;  // heads × N × d_k each, uniform in [−1, 1]
  std::vector<Timing> timings_;
  std::size_t current_ = 0;
  OutcomePtr waiting_;
  double t_submit_ = 0;
  double latency_ = 0;  // median submit → done of an empty submission
  std::string error_;
};

}  // namespace ap::gpu
