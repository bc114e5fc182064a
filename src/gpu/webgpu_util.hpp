// Small WebGPU helpers for the web build: owning handles, and the outcome of an asynchronous call
// (error scope, buffer map, queue done) as shared state a callback fills and a per-frame poll reads.
// Nothing here waits: callbacks run from the browser's event loop between frames.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <webgpu/webgpu.h>

namespace ap::gpu {

// [SECTION] Owning handles: released (buffers also destroyed, freeing their memory at once) on reset.
template <class H, void (*Release)(H)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(H h) : h_(h) {}
  Handle(Handle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, nullptr);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  void reset() {
    if (h_) Release(h_);
    h_ = nullptr;
  }
  H get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  H h_ = nullptr;
};

inline void destroy_buffer(WGPUBuffer b) {
  wgpuBufferDestroy(b);
  wgpuBufferRelease(b);
}

using Buffer = Handle<WGPUBuffer, destroy_buffer>;
using BindGroup = Handle<WGPUBindGroup, wgpuBindGroupRelease>;
using BindGroupLayout = Handle<WGPUBindGroupLayout, wgpuBindGroupLayoutRelease>;
using ComputePipeline = Handle<WGPUComputePipeline, wgpuComputePipelineRelease>;
using ShaderModule = Handle<WGPUShaderModule, wgpuShaderModuleRelease>;
using CommandEncoder = Handle<WGPUCommandEncoder, wgpuCommandEncoderRelease>;
using CommandBuffer = Handle<WGPUCommandBuffer, wgpuCommandBufferRelease>;
using ComputePass = Handle<WGPUComputePassEncoder, wgpuComputePassEncoderRelease>;

// [SECTION] Asynchronous outcomes
// Filled by a callback, read by a poll. Shared, because the callback may fire after whoever asked is gone.
struct Outcome {
  bool done = false;
  bool ok = false;
  std::string message;  // the browser's words when !ok
  double at_ms = 0;     // emscripten_get_now() when the callback ran
};
using OutcomePtr = std::shared_ptr<Outcome>;

// Validation and out-of-memory errors of everything between open() and close(), both scopes popped.
class ErrorScope {
 public:
  static ErrorScope open(WGPUDevice device);  // pushes out-of-memory, then validation
  void close(WGPUDevice device);              // pops both; their outcomes arrive later
  bool done() const { return validation_ && memory_ && validation_->done && memory_->done; }
  bool ok() const { return done() && validation_->ok && memory_->ok; }
  std::string message() const;  // the first error, "" when none

 private:
  OutcomePtr validation_, memory_;
};

// buffer.mapAsync(READ, 0, size): outcome->ok when the range can be read.
OutcomePtr map_for_reading(WGPUBuffer buffer, std::size_t size);
// queue.onSubmittedWorkDone(): outcome->at_ms when everything submitted so far has finished.
OutcomePtr when_queue_done(WGPUQueue queue);

}  // namespace ap::gpu
