// Buffers, bind groups and dispatch grids of the attention shaders.
#include "gpu/attention_gpu.hpp"

#include <algorithm>

namespace ap::gpu {

namespace {

constexpr std::uint32_t tile = 16;          // TILE of scores, weighted_sum and flash_attention
constexpr std::uint32_t matmul_block = 4;   // BLOCK of scores and weighted_sum: a workgroup's block is 64 × 64
constexpr std::uint32_t flash_columns = 4;  // COLS of flash_attention: a workgroup's output columns are 64

std::uint32_t groups(int count, std::uint32_t per_group) {
  return (static_cast<std::uint32_t>(count) + per_group - 1) / per_group;
}

// The softmax workgroup: a power of two from 32 to 256, about one invocation per 16 keys of the row.
// Narrow workgroups cost fewer barrier rounds in the reductions; SwiftShader, which runs a workgroup's
// invocations as coroutines, is about five times faster with 32 than with 256 at M = 1024.
std::uint32_t softmax_workgroup(int m) {
  std::uint32_t w = 32;
  while (w < 256 && 16 * w < static_cast<std::uint32_t>(m)) w *= 2;
  return w;
}

constexpr WGPUBufferUsageFlags storage_in = WGPUBufferUsage_Storage | WGPUBufferUsage_CopyDst;
constexpr WGPUBufferUsageFlags storage_out = WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc;

}  // namespace

AttentionGpu::AttentionGpu(WGPUDevice device, Pipelines& pipelines, const DeviceLimits& limits)
    : device_(device), pipelines_(pipelines), limits_(limits) {}

std::size_t AttentionGpu::matrix_bytes() const {
  return shape_.matrices ? std::size_t{4} * shape_.heads * shape_.n * shape_.m : 0;
}

std::size_t AttentionGpu::output_bytes() const { return std::size_t{4} * shape_.heads * shape_.n * shape_.d_v; }

void AttentionGpu::make(const char* label, std::size_t bytes, WGPUBufferUsageFlags usage, Slot& slot) {
  WGPUBufferDescriptor desc{};
  desc.label = label;
  desc.usage = usage;
  desc.size = std::max<std::size_t>(bytes, 16);  // never a zero-sized binding
  slot.buffer = Buffer(wgpuDeviceCreateBuffer(device_, &desc));
  slot.size = desc.size;
}

bool AttentionGpu::prepare(const Shape& shape, std::string* why_not) {
  if (prepared_ && shape == shape_) return true;
  const std::size_t f = 4, h = shape.heads, n = shape.n, m = shape.m;
  const std::size_t g = shape.kv_heads > 0 ? static_cast<std::size_t>(shape.kv_heads) : h;
  const std::size_t matrices = shape.matrices ? f * h * n * m : 0;
  const std::size_t words = (m + 31) / 32;
  const std::size_t largest = std::max({matrices, f * h * n * shape.d_k, f * g * m * shape.d_k, f * g * m * shape.d_v,
                                        f * h * n * shape.d_v, f * n * words});
  const std::size_t readback = 2 * matrices + f * h * n * shape.d_v;
  const std::uint32_t most_groups = std::max({groups(shape.n, 1), groups(shape.m, tile), groups(shape.n, tile),
                                              static_cast<std::uint32_t>(shape.heads)});
  if (largest > limits_.max_binding || readback > limits_.max_buffer || most_groups > limits_.max_groups) {
    if (why_not)
      *why_not = "too large for this GPU's buffers (" + std::to_string(largest >> 20) + " MiB in one binding, the device allows " +
                 std::to_string(limits_.max_binding >> 20) + " MiB)";
    prepared_ = false;
    return false;
  }
  shape_ = shape;
  make("params", sizeof(Params), WGPUBufferUsage_Uniform | WGPUBufferUsage_CopyDst, params_);
  make("q", f * h * n * shape.d_k, storage_in, q_);
  make("k", f * g * m * shape.d_k, storage_in, k_);
  make("v", f * g * m * shape.d_v, storage_in, v_);
  make("allow_bits", f * n * words, storage_in, allow_);
  if (shape.matrices) {
    make("scores", matrices, storage_out, scores_);
    make("weights", matrices, storage_out, weights_);
  } else {
    scores_ = Slot{};
    weights_ = Slot{};
  }
  make("out", f * h * n * shape.d_v, storage_out, out_);
  make("readback", readback, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, readback_);
  readback_bytes_ = readback;
  prepared_ = true;
  return true;
}

void AttentionGpu::upload(WGPUQueue queue, const Params& params, const std::vector<float>& q, const std::vector<float>& k,
                          const std::vector<float>& v, const std::vector<std::uint32_t>& allow_bits) {
  wgpuQueueWriteBuffer(queue, params_.buffer.get(), 0, &params, sizeof params);
  if (!q.empty()) wgpuQueueWriteBuffer(queue, q_.buffer.get(), 0, q.data(), q.size() * 4);
  if (!k.empty()) wgpuQueueWriteBuffer(queue, k_.buffer.get(), 0, k.data(), k.size() * 4);
  if (!v.empty()) wgpuQueueWriteBuffer(queue, v_.buffer.get(), 0, v.data(), v.size() * 4);
  if (!allow_bits.empty()) wgpuQueueWriteBuffer(queue, allow_.buffer.get(), 0, allow_bits.data(), allow_bits.size() * 4);
}

void AttentionGpu::dispatch(WGPUComputePassEncoder pass, Shader shader, std::uint32_t tile_or_workgroup,
                            std::vector<const Slot*> bindings, std::uint32_t x, std::uint32_t y, std::uint32_t z) {
  const Pipeline& p = pipelines_.get(shader, tile_or_workgroup);
  std::vector<WGPUBindGroupEntry> entries(bindings.size());
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    entries[i].binding = static_cast<std::uint32_t>(i);
    entries[i].buffer = bindings[i]->buffer.get();
    entries[i].offset = 0;
    entries[i].size = bindings[i]->size;  // explicit: Emscripten 3.1.6 turns WGPU_WHOLE_SIZE into 2⁶⁴ − 1
  }
  WGPUBindGroupDescriptor desc{};
  desc.label = shader_name(shader);
  desc.layout = p.layout.get();
  desc.entryCount = static_cast<std::uint32_t>(entries.size());
  desc.entries = entries.data();
  const BindGroup group(wgpuDeviceCreateBindGroup(device_, &desc));
  wgpuComputePassEncoderSetPipeline(pass, p.pipeline.get());
  wgpuComputePassEncoderSetBindGroup(pass, 0, group.get(), 0, nullptr);
  wgpuComputePassEncoderDispatch(pass, x, y, z);  // dispatchWorkgroups, through web/webgpu_shim.js
}

void AttentionGpu::dispatch_scores(WGPUComputePassEncoder pass) {
  const auto h = static_cast<std::uint32_t>(shape_.heads);
  dispatch(pass, Shader::scores, tile, {&params_, &q_, &k_, &scores_}, groups(shape_.m, tile * matmul_block),
           groups(shape_.n, tile * matmul_block), h);
}

void AttentionGpu::dispatch_softmax(WGPUComputePassEncoder pass) {
  dispatch(pass, Shader::softmax, softmax_workgroup(shape_.m), {&params_, &scores_, &allow_, &weights_},
           static_cast<std::uint32_t>(shape_.n), static_cast<std::uint32_t>(shape_.heads), 1);
}

void AttentionGpu::dispatch_weighted_sum(WGPUComputePassEncoder pass) {
  dispatch(pass, Shader::weighted_sum, tile, {&params_, &weights_, &v_, &out_},
           groups(shape_.d_v, tile * matmul_block), groups(shape_.n, tile * matmul_block),
           static_cast<std::uint32_t>(shape_.heads));
}

void AttentionGpu::dispatch_flash_attention(WGPUComputePassEncoder pass) {
  dispatch(pass, Shader::flash_attention, tile, {&params_, &q_, &k_, &v_, &allow_, &out_},
           groups(shape_.d_v, tile * flash_columns), groups(shape_.n, tile), static_cast<std::uint32_t>(shape_.heads));
}

void AttentionGpu::copy_to_readback(WGPUCommandEncoder encoder) {
  const std::size_t mb = matrix_bytes();
  if (mb > 0) {
    wgpuCommandEncoderCopyBufferToBuffer(encoder, scores_.buffer.get(), 0, readback_.buffer.get(), 0, mb);
    wgpuCommandEncoderCopyBufferToBuffer(encoder, weights_.buffer.get(), 0, readback_.buffer.get(), mb, mb);
  }
  if (output_bytes() > 0) wgpuCommandEncoderCopyBufferToBuffer(encoder, out_.buffer.get(), 0, readback_.buffer.get(), 2 * mb, output_bytes());
}

}  // namespace ap::gpu
