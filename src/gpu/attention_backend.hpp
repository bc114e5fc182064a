// The GPU attention backend as the app sees it: asynchronous by design. submit() starts a computation
// and returns at once; poll(), called every frame, hands back the finished trace a few frames later (or
// a failure, for the caller to fall back to the CPU). Never blocks, never waits on the GPU.
// Two implementations chosen by CMake: WebGPU in the web build (webgpu_backend.cpp), and natively a stub
// that says it is not there (unavailable.cpp). Knows core and kernels, never ImGui or the app.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace ap::gpu {

enum class State {
  unavailable,   // no WebGPU here (native build, browser without it, no adapter): message says why
  initializing,  // device obtained, shaders compiling (usable: a job started now still completes)
  ready,
  failed,        // a shader or pipeline did not build: message holds the WGSL error
  lost,          // the device was lost: message holds the browser's reason
};

struct Status {
  State state = State::unavailable;
  std::string message;  // one line for people: why it is unavailable, the WGSL error, the loss reason
  std::string adapter;  // "google swiftshader", …: who runs the shaders (empty when unknown)
  bool usable() const { return state == State::ready || state == State::initializing; }
};

const char* to_string(State state);

// Which kernel computes the outputs: the weighted sum after the softmax pass, or the fused online-softmax
// kernel (flash_attention.wgsl). automatic: fused from flash_min_keys keys on, and always when the
// matrices are not recorded (then the scores and softmax passes are skipped).
enum class OutputKernel { automatic, weighted_sum, flash };

struct RunOptions {
  bool record_matrices = true;  // scores and weights per head (N × M each) come back for the trace
  OutputKernel output_kernel = OutputKernel::automatic;
};

inline constexpr int flash_min_keys = 512;

struct Result {
  std::uint64_t tag = 0;     // the caller's tag from submit()
  bool ok = false;
  core::Trace trace;         // backend "webgpu", assembled exactly as core::compute_trace does
  double milliseconds = 0;   // submit → trace assembled: CPU projections, upload, GPU, readback, assembly
  double gpu_milliseconds = 0;  // queue submit → readback mapped
  std::string output_kernel; // "weighted_sum" or "flash_attention"
  std::string error;         // when !ok: what went wrong (validation error, device loss, too large)
};

// One row of a kernel benchmark: the median time of one kernel over `repeat` runs at one shape.
struct BenchRow {
  std::string kernel;  // "webgpu:scores", "webgpu:softmax", … or a CPU backend's name
  int n = 0, d_k = 0, heads = 0;
  double ms_median = 0, ms_min = 0;  // per dispatch (GPU) or per call over all heads (CPU)
  int batch = 1;       // GPU: dispatches per submission it was measured with (see kernel_bench.hpp)
  double gflops = 0;   // useful floating-point work / median time
};

struct BenchConfig {
  int n = 256;       // N = M (self-attention)
  int d_k = 64;      // d_k = d_v
  int heads = 1;
  int repeat = 5;
  std::vector<std::string> cpu_backends;  // float kernels to time on the same inputs, e.g. "simd"
};

class AttentionBackend {
 public:
  virtual ~AttentionBackend() = default;
  virtual Status status() const = 0;

  // Starts computing `scenario` (validated). While a job runs, the latest submission waits and older
  // waiting ones are dropped. False, with *why_not set, when it cannot even start.
  virtual bool submit(const core::Scenario& scenario, std::uint64_t tag, const RunOptions& options,
                      std::string* why_not) = 0;
  // Advances the readback state machine; true when a job finished (ok or not), written to `out`.
  virtual bool poll(Result& out) = 0;
  // A job is running or waiting, or the device is still initializing.
  virtual bool busy() const = 0;

  // Kernel timings, asynchronous like submit(): start, then poll_bench() every frame until it is true.
  virtual bool start_bench(const BenchConfig& config, std::string* why_not) = 0;
  virtual bool poll_bench(std::vector<BenchRow>& rows, std::string& error) = 0;
};

// WebGPU in the web build (the device the page handed to the module), the stub natively.
std::unique_ptr<AttentionBackend> make_attention_backend();

}  // namespace ap::gpu
