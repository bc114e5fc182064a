// Runs the tiled kernel on one head with a recorder attached (see tile_walk.hpp).
#include "kernels/tile_walk.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/mask.hpp"
#include "core/variants.hpp"
#include "kernels/tiled_kernel.hpp"

namespace ap::kernels {

core::TileWalk record_tile_walk(const core::Scenario& s, const core::Trace& trace, int head, const core::TileSizes& sizes) {
  if (head < 0 || head >= static_cast<int>(trace.heads.size()) || trace.heads[static_cast<std::size_t>(head)].q.size() == 0)
    throw core::InputError("head", "the trace does not hold this head's q, k and v");
  if (!valid_tile_sizes(sizes)) throw core::InputError("tile", "block sizes the tiled kernel cannot run");
  const core::HeadTrace& h = trace.heads[static_cast<std::size_t>(head)];
  const core::MatrixF q = h.q.cast<float>(), k = h.k.cast<float>(), v = h.v.cast<float>();  // N × d_k, M × d_k, M × d_v
  const int n = static_cast<int>(q.rows()), m = static_cast<int>(k.rows()), d_v = static_cast<int>(v.cols());
  const core::MaskRule mask(s.mask, n, m);
  core::MatrixF scores(n, m), weights(n, m), out(n, d_v);
  core::HeadProblem<float> p;
  p.n = n, p.m = m, p.d_k = static_cast<int>(q.cols()), p.d_v = d_v;
  p.q = q.data(), p.q_stride = p.d_k, p.k = k.data(), p.k_stride = p.d_k, p.v = v.data(), p.v_stride = d_v;
  p.scale = static_cast<float>(trace.scale);
  p.mask = &mask;
  p.scores = scores.data(), p.weights = weights.data();
  p.out = out.data(), p.out_stride = d_v;
  p.variants = core::head_variants<float>(s, head);

  TiledKernel kernel(1, sizes);
  core::TileRecorder recorder;
  kernel.observe(&recorder);
  kernel.attend(p);

  core::TileWalk walk;
  walk.n = n, walk.m = m, walk.sizes = sizes;
  walk.two_pass = kernel.took_two_passes();
  walk.steps = std::move(recorder.steps);
  walk.scores = scores.cast<double>(), walk.weights = weights.cast<double>(), walk.output = out.cast<double>();
  const auto difference = [](const core::Matrix& a, const core::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && a.size() > 0 ? (a - b).cwiseAbs().maxCoeff() : std::nan("");
  };
  walk.weights_difference = difference(walk.weights, h.weights);
  walk.output_difference = difference(walk.output, h.output);
  return walk;
}

}  // namespace ap::kernels
