// The WebGPU attention backend (web build): the device the page handed over, jobs as a small state machine
// polled every frame, and the CPU fallback's reasons. The projections (X·W_q, …), RoPE and W_O stay on the
// CPU (a float kernel of src/kernels); the GPU runs steps 4–6 per head: scores, softmax, weighted sum, or
// the fused kernel, with every SPEC §1b variant (shaders/*.wgsl follow core/score_mod.hpp and core/softmax.hpp,
// and round to the precision where the pipeline would). The trace is assembled by core::begin_trace /
// record_head / finish_trace, as on the CPU.
//
// [SECTION] Device: Module.preinitializedWebGPUDevice, its loss, its limits
// [SECTION] Job: submit → (error scopes + mapAsync) → read back → assemble
// [SECTION] Bench: start and poll a KernelBench (kernel_bench.cpp)
#include <emscripten.h>
#include <emscripten/html5_webgpu.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/mask.hpp"
#include "core/pipeline.hpp"
#include "core/variants.hpp"
#include "gpu/attention_backend.hpp"
#include "gpu/attention_gpu.hpp"
#include "gpu/kernel_bench.hpp"
#include "kernels/registry.hpp"

namespace ap::gpu {

namespace {

// [SECTION] Device

// A string from JS (allocated there with _malloc) → std::string, freed.
std::string take_js_string(int address) {
  char* text = reinterpret_cast<char*>(static_cast<std::intptr_t>(address));
  std::string value = text ? text : "";
  std::free(text);
  return value;
}

// Why the page has no device ("" when it has one), set by web/webgpu_shim.js before main().
std::string page_note() {
  return take_js_string(EM_ASM_INT({
    var text = Module.webgpuNote || "";
    var size = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
  }));
}

// Who runs the shaders ("google swiftshader"), from the adapter's info, set by web/webgpu_shim.js.
std::string page_adapter() {
  return take_js_string(EM_ASM_INT({
    var text = Module.webgpuAdapter || "";
    var size = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
  }));
}

bool page_has_device() { return EM_ASM_INT({ return Module.preinitializedWebGPUDevice ? 1 : 0; }) != 0; }

struct LossState {
  bool lost = false;
  std::string message;
};

void on_device_lost(WGPUDeviceLostReason, const char* message, void* userdata) {
  auto* loss = static_cast<LossState*>(userdata);
  loss->lost = true;
  loss->message = std::string("device lost") + (message && *message ? " (" + std::string(message) + ")" : "");
}

void on_uncaptured_error(WGPUErrorType, const char* message, void*) {
  emscripten_log(EM_LOG_WARN, "webgpu: uncaptured error: %s", message ? message : "");
}

DeviceLimits read_limits(WGPUDevice device) {
  WGPUSupportedLimits supported{};
  wgpuDeviceGetLimits(device, &supported);
  DeviceLimits limits;
  // Emscripten 3.1.6's WGPULimits predates maxBufferSize: read it from the JS device.
  const double max_buffer = EM_ASM_DOUBLE({ return Module.preinitializedWebGPUDevice.limits.maxBufferSize || 0; });
  if (max_buffer > 0) limits.max_buffer = static_cast<std::uint64_t>(max_buffer);
  if (supported.limits.maxStorageBufferBindingSize > 0) limits.max_binding = supported.limits.maxStorageBufferBindingSize;
  if (supported.limits.maxComputeWorkgroupsPerDimension > 0) limits.max_groups = supported.limits.maxComputeWorkgroupsPerDimension;
  return limits;
}

// The float kernel that projects on the CPU: the fastest this build has.
std::unique_ptr<core::Kernel<float>> cpu_kernel() {
  for (const char* name : {"simd", "tiled", "eigen", "scalar"})
    if (auto k = kernels::make_float_kernel(name)) return k;
  return nullptr;
}

// [SECTION] Job helpers

// Columns [head·width, (head+1)·width) of src (rows × heads·width) → heads × rows × width, heads-major.
void gather_heads(const core::MatrixF& src, int heads, int width, std::vector<float>& dst) {
  const auto rows = static_cast<std::size_t>(src.rows());
  dst.resize(static_cast<std::size_t>(heads) * rows * width);
  for (int h = 0; h < heads; ++h)
    for (std::size_t i = 0; i < rows; ++i)
      std::memcpy(&dst[(h * rows + i) * width], src.data() + i * src.cols() + static_cast<std::size_t>(h) * width,
                  sizeof(float) * width);
}

// Where the mask has per-cell parts (an allow matrix, key padding): core's rule for every cell as N × ⌈M/32⌉
// bits, the same rule the CPU kernels ask (causal and window are also uniforms, so the shader needs no bits
// without those parts).
std::vector<std::uint32_t> allow_bits(const core::MaskSpec& mask, int n, int m, std::uint32_t words) {
  const core::MaskRule rule(mask, n, m);
  if (!rule.needs_elementwise_check()) return {};
  std::vector<std::uint32_t> bits(static_cast<std::size_t>(n) * words, 0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      if (rule.allowed(i, j)) bits[static_cast<std::size_t>(i) * words + j / 32] |= 1u << (j % 32);
  return bits;
}

// The uniforms: shape, mask, and SPEC §1b as core::head_variants gives them to the CPU kernels.
Params make_params(const core::Scenario& s, double scale) {
  Params p;
  p.n = static_cast<std::uint32_t>(s.n());
  p.m = static_cast<std::uint32_t>(s.m());
  p.d_k = static_cast<std::uint32_t>(s.d_k);
  p.d_v = static_cast<std::uint32_t>(s.d_v);
  p.heads = static_cast<std::uint32_t>(s.heads);
  p.scale = static_cast<float>(scale);
  p.causal = s.mask.causal != core::CausalAlign::none ? 1 : 0;
  p.causal_offset = s.mask.causal == core::CausalAlign::bottom_right ? s.m() - s.n() : 0;
  p.window = static_cast<std::uint32_t>(std::max(0, s.mask.window));
  p.has_allow = s.mask.allow || s.mask.key_valid ? 1 : 0;
  p.allow_words = static_cast<std::uint32_t>((s.m() + 31) / 32);
  p.kv_heads = static_cast<std::uint32_t>(s.kv_heads());
  p.alibi = s.variants.alibi ? 1 : 0;
  p.query_offset = core::alibi_query_offset(s);
  p.softcap = s.variants.softcap ? static_cast<float>(*s.variants.softcap) : 0.0f;
  p.finite_fill = std::isfinite(s.mask_fill()) ? 1 : 0;
  p.fill = p.finite_fill ? static_cast<float>(s.mask_fill()) : 0.0f;
  p.has_sink = s.variants.sinks ? 1 : 0;
  const auto precision = s.variants.precision.value_or(core::Precision::fp32);
  p.number_format = precision == core::Precision::fp16 ? 1 : precision == core::Precision::bf16 ? 2 : 0;
  for (int h = 0; h < s.heads && h < max_gpu_heads; ++h) {
    const core::HeadVariants<float> v = core::head_variants<float>(s, h);
    p.slopes[h] = v.alibi_slope;
    p.sinks[h] = v.sink;
  }
  return p;
}

bool use_flash(const RunOptions& o, int m) {
  if (!o.record_matrices) return true;
  if (o.output_kernel == OutputKernel::automatic) return m >= flash_min_keys;
  return o.output_kernel == OutputKernel::flash;
}

struct Job {
  std::uint64_t tag = 0;
  core::Scenario scenario;
  RunOptions options;
  core::Projected<float> projected;
  core::Trace trace;  // inputs filled by core::begin_trace; heads and outputs once the GPU answers
  bool flash = false;
  double t_start = 0, t_submit = 0;
  ErrorScope scope;
  OutcomePtr mapped;
};

struct Request {
  core::Scenario scenario;
  std::uint64_t tag = 0;
  RunOptions options;
};

class WebGpuBackend final : public AttentionBackend {
 public:
  WebGpuBackend() {
    if (!page_has_device()) {
      const std::string note = page_note();
      status_ = {State::unavailable, "webgpu: " + (note.empty() ? std::string("the page obtained no WebGPU device") : note), ""};
      return;
    }
    device_ = emscripten_webgpu_get_device();
    queue_ = wgpuDeviceGetQueue(device_);
    wgpuDeviceSetDeviceLostCallback(device_, on_device_lost, &loss_);
    wgpuDeviceSetUncapturedErrorCallback(device_, on_uncaptured_error, nullptr);
    limits_ = read_limits(device_);
    pipelines_ = std::make_unique<Pipelines>(device_);
    gpu_ = std::make_unique<AttentionGpu>(device_, *pipelines_, limits_);
    projector_ = cpu_kernel();
    // Build the usual pipelines now, so a shader that does not compile shows up at start.
    for (Shader s : {Shader::scores, Shader::weighted_sum, Shader::flash_attention}) pipelines_->get(s, 16);
    for (std::uint32_t w : {32u, 64u, 128u, 256u}) pipelines_->get(Shader::softmax, w);  // by row length
    status_ = {State::initializing, "webgpu: compiling shaders", page_adapter()};
  }

  Status status() const override {
    refresh_status();
    return status_;
  }

  bool submit(const core::Scenario& scenario, std::uint64_t tag, const RunOptions& options, std::string* why_not) override {
    refresh_status();
    if (!status_.usable()) {
      if (why_not) *why_not = status_.message;
      return false;
    }
    if (job_) {
      next_ = Request{scenario, tag, options};  // replaces an older waiting request
      return true;
    }
    start(scenario, tag, options);
    return true;
  }

  bool poll(Result& out) override {
    refresh_status();
    if (ready_) {
      out = std::move(*ready_);
      ready_.reset();
      start_next();
      return true;
    }
    if (!job_) return false;
    if (loss_.lost) {
      out = failure(*job_, loss_.message);
    } else if (!job_->scope.done() || !job_->mapped->done) {
      return false;
    } else if (!job_->scope.ok()) {
      out = failure(*job_, job_->scope.message());
      if (job_->mapped->ok) wgpuBufferUnmap(gpu_->readback());
    } else if (!job_->mapped->ok) {
      out = failure(*job_, job_->mapped->message);
    } else {
      out = finish(*job_);
    }
    job_.reset();
    start_next();
    return true;
  }

  bool busy() const override {
    refresh_status();
    return job_ || next_ || ready_ || status_.state == State::initializing || bench_;
  }

  bool start_bench(const BenchConfig& config, std::string* why_not) override;
  bool poll_bench(std::vector<BenchRow>& rows, std::string& error) override;

 private:
  // initializing → ready or failed once the compile checks are back; lost whenever the device is.
  void refresh_status() const {
    if (status_.state == State::unavailable) return;
    if (loss_.lost) {
      status_.state = State::lost;
      status_.message = "webgpu: " + loss_.message;
      return;
    }
    if (status_.state != State::initializing) return;
    if (pipelines_->checking()) return;
    const std::string error = pipelines_->first_error();
    status_.state = error.empty() ? State::ready : State::failed;
    status_.message = error.empty() ? "webgpu: ready" : "webgpu: shader error in " + error;
  }

  void start_next() {
    if (job_ || !next_) return;
    Request r = std::move(*next_);
    next_.reset();
    start(r.scenario, r.tag, r.options);
  }

  // CPU part (projections, mask bits), upload, the passes, readback requested. Never waits.
  void start(const core::Scenario& scenario, std::uint64_t tag, const RunOptions& options) {
    auto job = std::make_unique<Job>();
    job->tag = tag;
    job->scenario = scenario;
    job->options = options;
    job->t_start = emscripten_get_now();
    const core::Scenario& s = job->scenario;
    job->trace = core::begin_trace(s, *projector_, job->projected);
    job->flash = use_flash(options, s.m());

    const Params params = make_params(s, job->trace.scale);
    std::string why_not;
    if (!gpu_->prepare({s.n(), s.m(), s.d_k, s.d_v, s.heads, options.record_matrices, s.kv_heads()}, &why_not)) {
      ready_ = failure(*job, why_not);
      return;
    }
    std::vector<float> q, k, v;
    gather_heads(job->projected.q, s.heads, s.d_k, q);
    gather_heads(job->projected.k, s.kv_heads(), s.d_k, k);
    gather_heads(job->projected.v, s.kv_heads(), s.d_v, v);
    job->scope = ErrorScope::open(device_);
    gpu_->upload(queue_, params, q, k, v, allow_bits(s.mask, s.n(), s.m(), params.allow_words));

    const CommandEncoder encoder(wgpuDeviceCreateCommandEncoder(device_, nullptr));
    {
      const ComputePass pass(wgpuCommandEncoderBeginComputePass(encoder.get(), nullptr));
      if (options.record_matrices) {
        gpu_->dispatch_scores(pass.get());
        gpu_->dispatch_softmax(pass.get());
      }
      if (job->flash) gpu_->dispatch_flash_attention(pass.get());
      else gpu_->dispatch_weighted_sum(pass.get());
      wgpuComputePassEncoderEnd(pass.get());
    }
    gpu_->copy_to_readback(encoder.get());
    const CommandBuffer commands(wgpuCommandEncoderFinish(encoder.get(), nullptr));
    job->t_submit = emscripten_get_now();
    WGPUCommandBuffer list[] = {commands.get()};
    wgpuQueueSubmit(queue_, 1, list);
    job->scope.close(device_);
    job->mapped = map_for_reading(gpu_->readback(), gpu_->readback_bytes());
    job_ = std::move(job);
  }

  Result failure(Job& job, const std::string& error) {
    Result r;
    r.tag = job.tag;
    r.ok = false;
    r.error = error;
    r.milliseconds = emscripten_get_now() - job.t_start;
    return r;
  }

  // The readback is mapped: copy it out, unmap, assemble the trace as core::compute_trace does.
  Result finish(Job& job) {
    const core::Scenario& s = job.scenario;
    const std::size_t n = s.n(), m = s.m(), dv = s.d_v, heads = s.heads;
    const auto* data = static_cast<const float*>(wgpuBufferGetConstMappedRange(gpu_->readback(), 0, gpu_->readback_bytes()));
    const std::size_t nm = n * m;
    const std::size_t matrices = job.options.record_matrices ? heads * nm : 0;
    std::vector<float> scores(data, data + matrices), weights(data + matrices, data + 2 * matrices);
    core::MatrixF concat(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(heads * dv));
    const float* out = data + 2 * matrices;  // heads × N × d_v
    for (std::size_t h = 0; h < heads; ++h)
      for (std::size_t i = 0; i < n; ++i)
        std::memcpy(concat.data() + i * heads * dv + h * dv, out + (h * n + i) * dv, sizeof(float) * dv);
    wgpuBufferUnmap(gpu_->readback());

    Result r;
    r.tag = job.tag;
    r.gpu_milliseconds = job.mapped->at_ms - job.t_submit;
    if (job.options.record_matrices)
      for (int h = 0; h < s.heads; ++h)
        core::record_head(job.trace, s, job.projected, h, scores.data() + h * nm, weights.data() + h * nm, concat);
    core::finish_trace(job.trace, s, *projector_, concat);
    job.trace.backend = "webgpu";
    r.trace = std::move(job.trace);
    r.ok = true;
    r.output_kernel = job.flash ? "flash_attention" : "weighted_sum";
    r.milliseconds = emscripten_get_now() - job.t_start;
    return r;
  }

  WGPUDevice device_ = nullptr;
  WGPUQueue queue_ = nullptr;
  LossState loss_;
  DeviceLimits limits_;
  std::unique_ptr<Pipelines> pipelines_;
  std::unique_ptr<AttentionGpu> gpu_;
  std::unique_ptr<core::Kernel<float>> projector_;
  mutable Status status_;
  std::unique_ptr<Job> job_;
  std::optional<Request> next_;
  std::optional<Result> ready_;
  std::unique_ptr<KernelBench> bench_;
};

// [SECTION] Bench

bool WebGpuBackend::start_bench(const BenchConfig& config, std::string* why_not) {
  refresh_status();
  std::string reason;
  if (!status_.usable()) reason = status_.message;
  else if (job_ || next_ || bench_) reason = "webgpu: busy, try again when idle";
  else if (config.n < 1 || config.d_k < 1 || config.heads < 1 || config.repeat < 1) reason = "bench: n, d_k, heads and repeat must be at least 1";
  else if (!gpu_->prepare({config.n, config.n, config.d_k, config.d_k, config.heads, true}, &reason)) {}
  if (!reason.empty()) {
    if (why_not) *why_not = reason;
    return false;
  }
  bench_ = std::make_unique<KernelBench>(device_, queue_, *gpu_, config);
  return true;
}

bool WebGpuBackend::poll_bench(std::vector<BenchRow>& rows, std::string& error) {
  if (!bench_) return false;
  if (loss_.lost) {
    rows.clear();
    error = loss_.message;
  } else {
    if (!bench_->step()) return false;
    rows = bench_->rows();
    error = bench_->error();
  }
  bench_.reset();
  return true;
}

}  // namespace

std::unique_ptr<AttentionBackend> make_attention_backend() { return std::make_unique<WebGpuBackend>(); }

}  // namespace ap::gpu
