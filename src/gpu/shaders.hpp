// The WGSL sources of shaders/, embedded at build time (cmake/embed_wgsl.cmake writes their definitions
// into a generated source). Each is a complete, valid module on its own: entry point `main`, tile sizes
// as `override` constants set through pipeline constants.
#pragma once

namespace ap::gpu::shaders {

extern const char scores[];           // shaders/scores.wgsl: tiled q·kᵀ
extern const char softmax[];          // shaders/softmax.wgsl: masked, scaled row softmax
extern const char weighted_sum[];     // shaders/weighted_sum.wgsl: weights · v
extern const char flash_attention[];  // shaders/flash_attention.wgsl: fused, online softmax

}  // namespace ap::gpu::shaders
