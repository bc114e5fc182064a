// Kernel timings: GPU kernels batched until their work dominates the submit latency; CPU kernels run here.
#include "gpu/kernel_bench.hpp"

#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/mask.hpp"
#include "kernels/registry.hpp"

namespace ap::gpu {

namespace {

constexpr double dominant_ms = 400;  // batched work this far above one submission's time is measured well
constexpr int max_batch = 256;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

bool is_gpu(const std::string& kernel) { return kernel.rfind("webgpu:", 0) == 0; }

}  // namespace

KernelBench::KernelBench(WGPUDevice device, WGPUQueue queue, AttentionGpu& gpu, const BenchConfig& config)
    : device_(device), queue_(queue), gpu_(gpu), config_(config) {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const std::size_t elems = static_cast<std::size_t>(config.heads) * config.n * config.d_k;
  for (auto* t : {&q_, &k_, &v_}) {
    t->resize(elems);
    for (float& x : *t) x = uniform(rng);
  }
  Params params;
  params.n = params.m = static_cast<std::uint32_t>(config.n);
  params.d_k = params.d_v = static_cast<std::uint32_t>(config.d_k);
  params.heads = static_cast<std::uint32_t>(config.heads);
  params.kv_heads = params.heads;
  params.scale = 1.0f / std::sqrt(static_cast<float>(config.d_k));
  params.allow_words = static_cast<std::uint32_t>((config.n + 31) / 32);
  gpu_.upload(queue_, params, q_, k_, v_, {});
  timings_.push_back({"webgpu:submit latency"});
  for (const char* k : {"webgpu:scores", "webgpu:softmax", "webgpu:weighted_sum", "webgpu:flash_attention"}) timings_.push_back({k});
  for (const auto& name : config.cpu_backends) {
    timings_.push_back({name});
    timings_.push_back({name + ":outputs"});
  }
}

// One submission: `batch` dispatches of the kernel in one pass (none for the latency probe).
void KernelBench::submit(const Timing& t) {
  const CommandEncoder encoder(wgpuDeviceCreateCommandEncoder(device_, nullptr));
  {
    const ComputePass pass(wgpuCommandEncoderBeginComputePass(encoder.get(), nullptr));
    for (int i = 0; i < t.batch; ++i) {
      if (t.kernel == "webgpu:scores") gpu_.dispatch_scores(pass.get());
      else if (t.kernel == "webgpu:softmax") gpu_.dispatch_softmax(pass.get());
      else if (t.kernel == "webgpu:weighted_sum") gpu_.dispatch_weighted_sum(pass.get());
      else if (t.kernel == "webgpu:flash_attention") gpu_.dispatch_flash_attention(pass.get());
    }
    wgpuComputePassEncoderEnd(pass.get());
  }
  const CommandBuffer commands(wgpuCommandEncoderFinish(encoder.get(), nullptr));
  WGPUCommandBuffer list[] = {commands.get()};
  t_submit_ = emscripten_get_now();
  wgpuQueueSubmit(queue_, 1, list);
  waiting_ = when_queue_done(queue_);
}

// A GPU submission came back after `ms`: moves the timing through its phases.
void KernelBench::record(Timing& t, double ms) {
  const int repeat = std::max(1, config_.repeat);
  switch (t.phase) {
    case 0:  // warm-up: pipelines compiled, buffers touched
      t.phase = 1;
      return;
    case 1:
      t.alone.push_back(ms);
      if (static_cast<int>(t.alone.size()) < repeat) return;
      if (t.kernel == "webgpu:submit latency") {
        latency_ = t.ms = median(t.alone);
        t.ms_min = *std::min_element(t.alone.begin(), t.alone.end());
        t.phase = 4;
      } else if (median(t.alone) - latency_ >= dominant_ms) {  // the work already dominates
        t.ms = median(t.alone) - latency_;
        t.ms_min = *std::min_element(t.alone.begin(), t.alone.end()) - latency_;
        t.phase = 4;
      } else {
        t.phase = 2;
        t.batch = 4;
      }
      return;
    case 2:
      if (ms - median(t.alone) < dominant_ms && t.batch < max_batch) {
        t.batch *= 4;
        return;
      }
      t.phase = 3;
      [[fallthrough]];
    case 3:
      t.batched.push_back(ms);
      if (static_cast<int>(t.batched.size()) < repeat) return;
      t.ms = std::max(0.0, median(t.batched) - median(t.alone)) / (t.batch - 1);
      t.ms_min = std::max(0.0, *std::min_element(t.batched.begin(), t.batched.end()) - median(t.alone)) / (t.batch - 1);
      t.phase = 4;
      return;
    default:
      return;
  }
}

// Kernel::attend per head on the same inputs, `repeat` times after a warm-up; ":outputs" records no
// N × N matrices (as the fused kernel).
void KernelBench::run_cpu(Timing& t) {
  const BenchConfig& c = config_;
  const bool outputs_only = t.kernel.size() > 8 && t.kernel.compare(t.kernel.size() - 8, 8, ":outputs") == 0;
  const std::string name = outputs_only ? t.kernel.substr(0, t.kernel.size() - 8) : t.kernel;
  auto kernel = kernels::make_float_kernel(name);
  if (!kernel) {
    error_ = "bench: no float backend \"" + name + "\"";
    return;
  }
  const std::size_t nn = static_cast<std::size_t>(c.n) * c.n, nd = static_cast<std::size_t>(c.n) * c.d_k;
  std::vector<float> scores(outputs_only ? 0 : nn), weights(outputs_only ? 0 : nn), out(nd);
  const core::MaskSpec no_mask;
  const core::MaskRule mask(no_mask, c.n, c.n);
  std::vector<double> times;
  for (int rep = 0; rep <= std::max(1, c.repeat); ++rep) {
    const double t0 = emscripten_get_now();
    for (int h = 0; h < c.heads; ++h) {
      core::HeadProblem<float> hp;
      hp.n = hp.m = c.n;
      hp.d_k = hp.d_v = c.d_k;
      hp.q = q_.data() + h * nd; hp.q_stride = c.d_k;
      hp.k = k_.data() + h * nd; hp.k_stride = c.d_k;
      hp.v = v_.data() + h * nd; hp.v_stride = c.d_k;
      hp.scale = 1.0f / std::sqrt(static_cast<float>(c.d_k));
      hp.mask = &mask;
      hp.scores = outputs_only ? nullptr : scores.data();
      hp.weights = outputs_only ? nullptr : weights.data();
      hp.out = out.data(); hp.out_stride = c.d_k;
      kernel->attend(hp);
    }
    if (rep > 0) times.push_back(emscripten_get_now() - t0);  // rep 0 warms up
  }
  t.ms = median(times);
  t.ms_min = *std::min_element(times.begin(), times.end());
  t.phase = 4;
}

bool KernelBench::step() {
  if (waiting_) {
    if (!waiting_->done) return false;
    if (!waiting_->ok) error_ = waiting_->message;
    else record(timings_[current_], waiting_->at_ms - t_submit_);
    waiting_.reset();
  }
  while (error_.empty() && current_ < timings_.size() && timings_[current_].phase == 4) ++current_;
  if (!error_.empty() || current_ == timings_.size()) return true;
  Timing& t = timings_[current_];
  if (is_gpu(t.kernel)) submit(t);
  else run_cpu(t);  // a whole CPU timing inside this frame
  return false;
}

std::vector<BenchRow> KernelBench::rows() const {
  const double nm = static_cast<double>(config_.n) * config_.n * config_.heads, d = config_.d_k;
  std::vector<BenchRow> rows;
  for (const auto& t : timings_) {
    if (t.phase != 4) continue;
    BenchRow row;
    row.kernel = t.kernel;
    row.n = config_.n;
    row.d_k = config_.d_k;
    row.heads = config_.heads;
    row.ms_median = t.ms;
    row.ms_min = t.ms_min;
    row.batch = t.batch;
    // useful work: 2·N·M·d per product; the softmax's few operations per entry are not counted
    const double flops = t.kernel == "webgpu:scores" || t.kernel == "webgpu:weighted_sum" ? 2 * nm * d
                         : t.kernel == "webgpu:softmax" || t.kernel == "webgpu:submit latency" ? 0
                                                                                                  : 4 * nm * d;
    row.gflops = t.ms > 0 ? flops / (t.ms * 1e6) : 0;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace ap::gpu
