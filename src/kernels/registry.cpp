// Backend registry.
#include "kernels/registry.hpp"

#include <algorithm>

#include <Eigen/Core>

#include "core/error.hpp"
#include "kernels/eigen_kernel.hpp"
#include "kernels/grad_kernels.hpp"
#include "kernels/scalar_kernel.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/simd_kernel.hpp"
#include "kernels/tiled_kernel.hpp"

namespace ap::kernels {

std::vector<std::string> backend_names() { return {"reference", "scalar", "eigen", "simd", "tiled"}; }

bool has_backend(const std::string& name) {
  const auto names = backend_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string instruction_set(const std::string& name) {
  if (name == "simd" || name == "tiled") return gemm::instruction_set();  // from the kernels' own translation unit
  if (name == "eigen") return Eigen::SimdInstructionSetsInUse();
  if (name == "reference" || name == "scalar") return "scalar";
  return "";
}

std::unique_ptr<core::Kernel<float>> make_float_kernel(const std::string& name, int threads) {
  threads = std::max(threads, 1);
  if (name == "scalar") return std::make_unique<ScalarKernel>();
  if (name == "eigen") return std::make_unique<EigenKernel>();
  if (name == "simd") return std::make_unique<SimdKernel>(threads);
  if (name == "tiled") return std::make_unique<TiledKernel>(threads);
  return nullptr;
}

bool uses_threads(const std::string& name) { return name == "simd" || name == "tiled"; }

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

}  // namespace

core::Trace run_backend(const std::string& name, const core::Scenario& scenario, const core::TraceOptions& options) {
  if (name == "reference") {
    core::ReferenceKernel reference;
    return core::compute_trace<double>(scenario, reference, options);
  }
  auto kernel = make_float_kernel(name);
  if (!kernel)
    throw core::InputError("backend", "unknown backend \"" + name + "\" (this build has " + joined(backend_names()) + ")");
  return core::compute_trace<float>(scenario, *kernel, options);
}

std::vector<std::string> grad_backend_names() { return {"reference", "simd", "tiled"}; }

std::unique_ptr<core::GradKernel<float>> make_float_grad_kernel(const std::string& name) {
  if (name == "simd") return std::make_unique<SimdGradKernel>();
  if (name == "tiled") return std::make_unique<TiledGradKernel>();
  return nullptr;
}

void require_grad_backend(const std::string& name, const std::string& field) {
  const auto names = grad_backend_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  if (has_backend(name))
    throw core::InputError(field, "\"" + name + "\" has no backward pass (gradients run on " + joined(names) + ")");
  throw core::InputError(field, "unknown backend \"" + name + "\" (gradients run on " + joined(names) + ")");
}

core::Gradients run_grad_backend(const std::string& name, const core::Scenario& scenario) {
  require_grad_backend(name, "backend");
  if (name == "reference") return core::reference_gradients(scenario);
  return core::compute_gradients<float>(scenario, *make_float_grad_kernel(name));
}

}  // namespace ap::kernels
