// The backends this build has, by name (`attention-cli backends`, the playground's selector).
// `reference` is the double pipeline of core; the others are float kernels.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/kernel.hpp"
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

}  // namespace ap::kernels
