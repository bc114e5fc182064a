// Shader modules from the embedded WGSL, compute pipelines with override constants, compile checks.
#include "gpu/pipelines.hpp"

#include "gpu/shaders.hpp"

namespace ap::gpu {

namespace {

const char* source(Shader shader) {
  switch (shader) {
    case Shader::scores: return shaders::scores;
    case Shader::softmax: return shaders::softmax;
    case Shader::weighted_sum: return shaders::weighted_sum;
    case Shader::flash_attention: return shaders::flash_attention;
  }
  return "";
}

// The override constant each shader's tile size goes into.
const char* tile_constant(Shader shader) { return shader == Shader::softmax ? "WORKGROUP" : "TILE"; }

}  // namespace

const char* shader_name(Shader shader) {
  switch (shader) {
    case Shader::scores: return "scores";
    case Shader::softmax: return "softmax";
    case Shader::weighted_sum: return "weighted_sum";
    case Shader::flash_attention: return "flash_attention";
  }
  return "";
}

Pipelines::Pipelines(WGPUDevice device) : device_(device) {}

const Pipeline& Pipelines::get(Shader shader, std::uint32_t tile) {
  const auto key = std::make_tuple(shader, tile);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) return it->second;

  Check check{shader, ErrorScope::open(device_)};
  auto& module = modules_[shader];
  if (!module) {
    WGPUShaderModuleWGSLDescriptor wgsl{};
    wgsl.chain.sType = WGPUSType_ShaderModuleWGSLDescriptor;
    wgsl.source = source(shader);
    WGPUShaderModuleDescriptor desc{};
    desc.nextInChain = &wgsl.chain;
    desc.label = shader_name(shader);
    module = ShaderModule(wgpuDeviceCreateShaderModule(device_, &desc));
  }
  WGPUConstantEntry constant{};
  constant.key = tile_constant(shader);
  constant.value = tile;
  WGPUComputePipelineDescriptor desc{};
  desc.label = shader_name(shader);
  desc.layout = nullptr;  // automatic: web/webgpu_shim.js passes 'auto', which Emscripten 3.1.6 cannot
  desc.compute.module = module.get();
  desc.compute.entryPoint = "main";
  desc.compute.constantCount = 1;
  desc.compute.constants = &constant;
  Pipeline p;
  p.pipeline = ComputePipeline(wgpuDeviceCreateComputePipeline(device_, &desc));
  p.layout = BindGroupLayout(wgpuComputePipelineGetBindGroupLayout(p.pipeline.get(), 0));
  check.scope.close(device_);
  checks_.push_back(std::move(check));
  return pipelines_.emplace(key, std::move(p)).first->second;
}

bool Pipelines::checking() const {
  for (const auto& c : checks_)
    if (!c.scope.done()) return true;
  return false;
}

std::string Pipelines::first_error() const {
  for (const auto& c : checks_)
    if (c.scope.done() && !c.scope.ok()) return std::string(shader_name(c.shader)) + ".wgsl: " + c.scope.message();
  return {};
}

}  // namespace ap::gpu
