// Live cost measurement and the tiled kernel's walk (see cost_measurement.hpp).
#include "app/cost_measurement.hpp"

#include <chrono>
#include <random>

#include "core/mask.hpp"
#include "kernels/registry.hpp"
#include "kernels/tile_walk.hpp"
#include "kernels/tiled_kernel.hpp"

namespace ap::app {

namespace {
double since_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

void CostMeasurementService::start() {
  std::vector<std::string> backends;
  for (const auto& name : kernels::backend_names())
    if (name != "reference") backends.push_back(name);  // the float kernels (the reference is double and a model)
  plan_.emplace(backends, core::cost_sizes(first_size, largest_size), d_k);
  if (q_.size() == 0) {  // N(0, 1) inputs, seeded: every measurement times the same numbers
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    for (core::MatrixF* m : {&q_, &k_, &v_}) {
      m->resize(largest_size, d_k);
      for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = normal(rng) * 0.125f;
    }
    out_.resize(largest_size, d_k);
  }
  for (const auto& name : backends)
    if (!kernels_[name]) kernels_[name] = kernels::make_float_kernel(name, 1);
  measurement_ = ui::CostMeasurement{};
  measurement_.sizes = plan_->sizes();
  measurement_.d_k = d_k;
  measurement_.curves = plan_->curves();
  measurement_.running = true;
  measurement_.tiled_sizes = {kernels::TiledKernel::query_block, kernels::TiledKernel::key_block};
  measurement_.instruction_sets = "simd, tiled: " + kernels::instruction_set("simd") +
                                  "; eigen: " + kernels::instruction_set("eigen") + "; scalar: " + kernels::instruction_set("scalar");
}

bool CostMeasurementService::advance(double budget_ms) {
  if (!plan_ || plan_->finished()) return false;
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t before = [&] {
    std::size_t points = 0;
    for (const auto& c : plan_->curves()) points += c.points.size();
    return points;
  }();
  while (since_ms(t0) < budget_ms) {
    const auto piece = plan_->next();
    if (!piece) break;
    core::MaskSpec none;
    const core::MaskRule mask(none, piece->rows, piece->n);
    core::HeadProblem<float> p;
    p.n = piece->rows, p.m = piece->n, p.d_k = d_k, p.d_v = d_k;
    p.q = q_.data() + static_cast<std::size_t>(piece->row0) * d_k, p.q_stride = d_k;
    p.k = k_.data(), p.k_stride = d_k, p.v = v_.data(), p.v_stride = d_k;
    p.scale = 0.125f;  // 1/√64
    p.mask = &mask;
    p.out = out_.data() + static_cast<std::size_t>(piece->row0) * d_k, p.out_stride = d_k;
    p.kv_unchanged = piece->row0 > 0;  // a head's first piece packs k and v, as a whole head would
    core::Kernel<float>& kernel = *kernels_[plan_->curves()[static_cast<std::size_t>(piece->backend)].backend];
    const auto started = std::chrono::steady_clock::now();
    kernel.attend(p);
    plan_->record(*piece, since_ms(started));
  }
  measurement_.curves = plan_->curves();
  measurement_.progress = plan_->progress();
  measurement_.finished = plan_->finished();
  measurement_.running = !measurement_.finished;
  std::size_t after = 0;
  for (const auto& c : measurement_.curves) after += c.points.size();
  if (after == before) return false;
  ++measurement_.revision;
  return true;
}

std::vector<core::TileSizes> CostMeasurementService::tile_choices() const {
  const core::TileSizes small = kernels::smallest_tile_sizes();
  return {small, {4, 8}, {kernels::TiledKernel::query_block, kernels::TiledKernel::key_block}};
}

core::TileWalk CostMeasurementService::tile_walk(const core::Scenario& s, const core::Trace& trace, int head,
                                                 const core::TileSizes& sizes) {
  return kernels::record_tile_walk(s, trace, head, sizes);
}

}  // namespace ap::app
