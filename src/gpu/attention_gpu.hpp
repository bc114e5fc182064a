// Attention on the GPU for one shape: the device buffers (kept while the shape stays), uploads, the four
// dispatches of shaders/*.wgsl and the copy of the results into one readback buffer. Records commands
// only; the caller submits and waits for nothing (see webgpu_backend.cpp). Web build only.
// Every tensor is f32, heads-major and contiguous: q is heads × N × d_k, row i of head h at (h·N + i)·d_k; k and v
// hold kv_heads heads (grouped-query attention).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpu/pipelines.hpp"
#include "gpu/uniforms.hpp"
#include "gpu/webgpu_util.hpp"

namespace ap::gpu {

struct Shape {
  int n = 0, m = 0, d_k = 0, d_v = 0, heads = 0;
  bool matrices = true;  // scores and weights (heads × N × M) are computed and read back
  int kv_heads = 0;      // K/V heads; 0: heads
  bool operator==(const Shape&) const = default;
};

struct DeviceLimits {
  std::uint64_t max_buffer = 256ull << 20;    // maxBufferSize
  std::uint64_t max_binding = 128ull << 20;   // maxStorageBufferBindingSize
  std::uint32_t max_groups = 65535;           // maxComputeWorkgroupsPerDimension
};

class AttentionGpu {
 public:
  AttentionGpu(WGPUDevice device, Pipelines& pipelines, const DeviceLimits& limits);

  // Buffers for `shape`, reused when it has not changed. False, with why_not, beyond the device's limits.
  bool prepare(const Shape& shape, std::string* why_not);
  // params: the uniforms; q: heads × N × d_k, k: kv_heads × M × d_k, v: kv_heads × M × d_v;
  // allow_bits: N × params.allow_words u32 (bit j % 32 of word j / 32), or empty when there is none.
  void upload(WGPUQueue queue, const Params& params, const std::vector<float>& q, const std::vector<float>& k,
              const std::vector<float>& v, const std::vector<std::uint32_t>& allow_bits);

  // One dispatch each, into an open compute pass. scores and softmax need shape.matrices.
  void dispatch_scores(WGPUComputePassEncoder pass);
  void dispatch_softmax(WGPUComputePassEncoder pass);
  void dispatch_weighted_sum(WGPUComputePassEncoder pass);
  void dispatch_flash_attention(WGPUComputePassEncoder pass);

  // Copies scores, weights (when recorded) and outputs into the readback buffer, in that order.
  void copy_to_readback(WGPUCommandEncoder encoder);
  WGPUBuffer readback() const { return readback_.buffer.get(); }
  std::size_t readback_bytes() const { return readback_bytes_; }
  std::size_t matrix_bytes() const;  // of scores (= of weights): heads × N × M floats
  std::size_t output_bytes() const;  // heads × N × d_v floats

  const Shape& shape() const { return shape_; }

 private:
  struct Slot {
    Buffer buffer;
    std::uint64_t size = 0;
  };
  // Binds `bindings` as 0, 1, … of group 0, whole buffers, and records the dispatch.
  void dispatch(WGPUComputePassEncoder pass, Shader shader, std::uint32_t tile, std::vector<const Slot*> bindings,
                std::uint32_t x, std::uint32_t y, std::uint32_t z);
  void make(const char* label, std::size_t bytes, WGPUBufferUsageFlags usage, Slot& slot);

  WGPUDevice device_;
  Pipelines& pipelines_;
  DeviceLimits limits_;
  Shape shape_;
  bool prepared_ = false;
  Slot params_, q_, k_, v_, allow_, scores_, weights_, out_, readback_;
  std::size_t readback_bytes_ = 0;
};

}  // namespace ap::gpu
