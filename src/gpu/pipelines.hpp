// The compute pipelines of shaders/*.wgsl, built once per set of override constants and cached. Each
// build runs inside an error scope, so a WGSL compile error arrives (a frame or so later) as a message
// naming the shader and quoting the compiler. Web build only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gpu/webgpu_util.hpp"

namespace ap::gpu {

enum class Shader { scores, softmax, weighted_sum, flash_attention };

const char* shader_name(Shader shader);  // the file stem in shaders/

struct Pipeline {
  ComputePipeline pipeline;
  BindGroupLayout layout;  // group 0 of the pipeline's automatic layout
};

class Pipelines {
 public:
  explicit Pipelines(WGPUDevice device);

  // The pipeline of `shader` with its tile override (TILE, or WORKGROUP for the softmax).
  const Pipeline& get(Shader shader, std::uint32_t tile);

  // Compile checks still under way, and the first failure ("softmax.wgsl: <compiler message>") once known.
  bool checking() const;
  std::string first_error() const;

 private:
  struct Check {
    Shader shader;
    ErrorScope scope;
  };
  WGPUDevice device_;
  std::map<Shader, ShaderModule> modules_;
  std::map<std::tuple<Shader, std::uint32_t>, Pipeline> pipelines_;
  std::vector<Check> checks_;
};

}  // namespace ap::gpu
