// The backends this build has, by name (`attention-cli backends`, the playground's selector).
// `reference` is the double pipeline of core; the others are float kernels.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/grad_kernel.hpp"
#include "core/kernel.hpp"
#include "core/layer_grad.hpp"
#include "core/pipeline.hpp"
#include "core/reference_kernel.hpp"

namespace ap::kernels {

std::vector<std::string> backend_names();
bool has_backend(const std::string& name);

// The vector instructions a backend runs on in this build: "avx512f", "avx2+fma" or "wasm-simd128" for simd and
// tiled, Eigen::SimdInstructionSetsInUse() for eigen ("None" where Eigen does not vectorize), "scalar"
// for the scalar loops (whatever the compiler auto-vectorizes). Empty for an unknown name.
std::string instruction_set(const std::string& name);

// Null for "reference" (it is double) and for unknown names. `threads` (≥ 1): how many threads the kernel may use;
// simd and tiled keep a pool of threads − 1 workers (none for 1), scalar and eigen always use the caller's alone.
std::unique_ptr<core::Kernel<float>> make_float_kernel(const std::string& name, int threads = 1);

// Whether the named backend uses more than one thread when given them.
bool uses_threads(const std::string& name);

// Runs the scenario on the named backend; throws core::InputError for an unknown name.
core::Trace run_backend(const std::string& name, const core::Scenario& scenario, const core::TraceOptions& options = {});

// The backends with a backward pass (`attention-cli grad`, the trainer): reference (double), simd, tiled.
std::vector<std::string> grad_backend_names();

// Throws core::InputError naming `field` unless the backend has a backward pass (an unknown name, or one of the
// forward-only backends, each with its own message).
void require_grad_backend(const std::string& name, const std::string& field);

// Null for "reference" (it is double) and for names without a backward pass.
std::unique_ptr<core::GradKernel<float>> make_float_grad_kernel(const std::string& name);

// The gradients of the scenario's layer on the named backend; throws core::InputError (field "backend") for a
// name that is unknown or has no backward pass.
core::Gradients run_grad_backend(const std::string& name, const core::Scenario& scenario);

}  // namespace ap::kernels
