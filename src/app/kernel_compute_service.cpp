// Compute off the edit path, compare with the reference afterwards (see kernel_compute_service.hpp).
#include "app/kernel_compute_service.hpp"

#include <algorithm>
#include <cstdio>

#include "kernels/registry.hpp"

namespace ap::app {

namespace {

double max_abs_diff(const core::Matrix& a, const core::Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.size() == 0) return 0.0;
  return (a - b).cwiseAbs().maxCoeff();
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

// The reference's work for a scenario, in multiply-adds (projections, attention, W_O).
double reference_work(const core::Scenario& s) {
  const double n = s.n(), m = s.m(), d = s.d_model(), h = s.heads;
  return (n + 2 * m) * d * h * std::max(s.d_k, s.d_v) + h * n * m * (s.d_k + s.d_v) + n * h * s.d_v * d;
}

}  // namespace

KernelComputeService::KernelComputeService() : runner_(make_compute_runner()), gpu_(gpu::make_attention_backend()) {}

KernelComputeService::~KernelComputeService() { runner_->stop(); }  // the dropped job goes with it

std::vector<std::string> KernelComputeService::backends() const {
  auto names = kernels::backend_names();
  if (gpu_->status().usable()) names.push_back("webgpu");
  return names;
}

std::string KernelComputeService::backends_note() const {
  const gpu::Status s = gpu_->status();
  return s.usable() ? std::string() : s.message;
}

core::JobOptions KernelComputeService::job_options() const {
  core::JobOptions o;
  o.record_all_heads = core::records_all_heads(*scenario_);
  o.recorded_heads = request_.shown_heads;
  o.overview_side = o.record_all_heads ? 0 : 256;
  return o;
}

void KernelComputeService::start_cpu(const std::string& backend) {
  const core::JobOptions options = job_options();
  recorded_heads_.clear();
  for (int h = 0; h < scenario_->heads; ++h)
    if (options.record_all_heads || std::count(options.recorded_heads.begin(), options.recorded_heads.end(), h))
      recorded_heads_.push_back(h);
  if (backend == "reference") {
    runner_->start(std::make_unique<KernelJob<double>>(*scenario_, reference_kernel_, options, std::move(spare_)));
  } else {
    auto& kernel = kernels_[backend];
    if (!kernel) kernel = kernels::make_float_kernel(backend);
    runner_->start(std::make_unique<KernelJob<float>>(*scenario_, *kernel, options, std::move(spare_)));
  }
  spare_ = core::Trace{};
  phase_ = Phase::computing;
}

void KernelComputeService::submit(const core::Scenario& scenario, const ui::ComputeRequest& request) {
  cancel();
  scenario_ = &scenario;
  request_ = request;
  started_ = std::chrono::steady_clock::now();
  note_.clear();
  comparison_ready_ = false;
  if (request.backend == "webgpu") {
    spare_ = core::Trace{};  // the GPU's results come in memory of their own
    std::string why_not;
    gpu::RunOptions options = gpu_options_;
    options.record_matrices = core::records_all_heads(scenario);
    if (gpu_->submit(scenario, ++gpu_tag_, options, &why_not)) {
      phase_ = Phase::gpu;
      return;
    }
    note_ = why_not + "; computed on the CPU (simd) instead";  // why_not starts "webgpu: "
    start_cpu("simd");
  } else {
    start_cpu(request.backend);
  }
  runner_->run_for(4.0);  // a small layer is done at once, so the edit and its result share a frame
}

void KernelComputeService::cancel() {
  if (std::unique_ptr<ComputeJob> dropped = runner_->stop()) spare_ = dropped->reclaim();
  phase_ = Phase::idle;
  scenario_ = nullptr;
  ++gpu_tag_;  // an answer still on its way from the GPU is for an older request
}

void KernelComputeService::start_comparison() {
  if (!scenario_ || request_.backend == "reference") return;
  core::JobOptions options = job_options();
  options.overview_side = 0;
  runner_->start(std::make_unique<KernelJob<double>>(*scenario_, reference_kernel_, options));
  phase_ = Phase::comparing;
}

void KernelComputeService::compare_with_reference() {
  if (phase_ == Phase::idle && scenario_ && !comparison_ready_) start_comparison();
}

void KernelComputeService::start_comparison_if_cheap() {
  if (reference_work(*scenario_) <= automatic_comparison_work) start_comparison();
}

bool KernelComputeService::poll_gpu(ui::ComputeResult& out) {
  gpu::Result g;
  while (gpu_->poll(g)) {
    if (g.tag != gpu_tag_) continue;  // an answer to an older request
    if (!g.ok) {  // the CPU computes this request instead
      // the same form as a refused submit's: "webgpu: <why>; computed on the CPU (simd) instead"
      note_ = "webgpu: " + g.error + "; computed on the CPU (simd) instead";
      start_cpu("simd");
      return false;
    }
    out = ui::ComputeResult{};
    out.trace = std::move(g.trace);
    out.milliseconds = elapsed_ms(started_);
    char line[200];
    std::snprintf(line, sizeof line, "webgpu: outputs by %s.wgsl; GPU %.1f ms of %.1f ms (projections and W_O on the CPU)",
                  g.output_kernel.c_str(), g.gpu_milliseconds, g.milliseconds);
    out.note = line;
    for (int h = 0; h < static_cast<int>(out.trace.heads.size()); ++h)
      if (out.trace.heads[static_cast<std::size_t>(h)].weights.size() > 0) out.recorded_heads.push_back(h);
    phase_ = Phase::idle;
    start_comparison_if_cheap();
    return true;
  }
  return false;
}

bool KernelComputeService::poll(ui::ComputeResult& out, double budget_ms) {
  if (phase_ == Phase::gpu) return poll_gpu(out);
  // An answer the GPU still owes an abandoned request (the backend changed meanwhile) is taken and
  // dropped, so the GPU goes idle and its next request can start.
  for (gpu::Result stale; gpu_->busy() && gpu_->poll(stale);) {}
  if (phase_ == Phase::idle) return false;
  runner_->run_for(budget_ms);
  std::unique_ptr<ComputeJob> job = runner_->take_finished();
  if (!job) return false;
  if (phase_ == Phase::comparing) {
    reference_trace_ = job->take();
    comparison_ready_ = true;
    phase_ = Phase::idle;
    return false;
  }
  out = ui::ComputeResult{};
  out.trace = job->take();
  out.milliseconds = elapsed_ms(started_);
  out.note = note_;
  out.recorded_heads = recorded_heads_;
  phase_ = Phase::idle;
  if (out.trace.backend == "reference") out.compared = true;  // it is the reference
  else start_comparison_if_cheap();
  return true;
}

bool KernelComputeService::poll_comparison(const core::Trace& shown, double& max_diff) {
  if (!comparison_ready_) return false;
  comparison_ready_ = false;
  max_diff = max_abs_diff(shown.output, reference_trace_.output);
  for (std::size_t h = 0; h < reference_trace_.heads.size() && h < shown.heads.size(); ++h)
    max_diff = std::max(max_diff, max_abs_diff(shown.heads[h].weights, reference_trace_.heads[h].weights));
  reference_trace_ = core::Trace{};
  return true;
}

}  // namespace ap::app
