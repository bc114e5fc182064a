// The Cost view's sizes, bytes and measurement plan (see attention_cost.hpp).
#include "core/attention_cost.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ap::core {

namespace {
// multiply-adds of query rows against n keys: q·kᵀ and weights · v
double work(int rows, int n, int d_k) { return 2.0 * rows * n * d_k; }
}  // namespace

std::vector<int> cost_sizes(int first, int cap) {
  std::vector<int> sizes;
  for (long n = std::max(1, first); n <= cap; n *= 2) sizes.push_back(static_cast<int>(n));
  return sizes;
}

double score_matrix_bytes(int n, int m) { return 4.0 * n * m; }

double tile_block_bytes(const TileSizes& sizes) {
  return 4.0 * (static_cast<double>(sizes.query_rows) * sizes.keys + 2.0 * sizes.query_rows);
}

double packed_kv_bytes(int m, int d_k, int d_v) { return 4.0 * m * (static_cast<double>(d_k) + d_v); }

double tiled_working_set_bytes(int m, int d_k, int d_v, const TileSizes& sizes) {
  return tile_block_bytes(sizes) + packed_kv_bytes(m, d_k, d_v);
}

CostPlan::CostPlan(std::vector<std::string> backends, std::vector<int> sizes, int d_k, double piece_ms,
                   double min_total_ms, double stop_ms)
    : sizes_(std::move(sizes)), d_k_(d_k), piece_ms_(piece_ms), min_total_ms_(min_total_ms), stop_ms_(stop_ms),
      rate_(backends.size(), 0.0), warmed_(backends.size(), false) {
  for (auto& b : backends) curves_.push_back({std::move(b), {}, {}});
  if (sizes_.empty()) backend_ = static_cast<int>(curves_.size());
}

std::optional<CostPlan::Piece> CostPlan::next() const {
  if (finished()) return std::nullopt;
  const int n = sizes_[static_cast<std::size_t>(size_)];
  const double rate = rate_[static_cast<std::size_t>(backend_)];
  // until the backend's speed is known, one row; then as many as fit in piece_ms
  const int rows = rate > 0 ? static_cast<int>(std::clamp(piece_ms_ * rate / work(1, n, d_k_), 1.0, double(n - row_))) : 1;
  return Piece{backend_, n, row_, rows};
}

void CostPlan::record(const Piece& piece, double milliseconds) {
  const double w = work(piece.rows, piece.n, d_k_);
  double& rate = rate_[static_cast<std::size_t>(piece.backend)];
  const double measured = w / std::max(milliseconds, 1e-4);
  rate = rate > 0 ? 0.5 * (rate + measured) : measured;
  head_ms_ += milliseconds;
  row_ = piece.row0 + piece.rows;
  if (row_ < piece.n) return;
  // a whole head: another of this size, or the size's point; a backend's very first head only warms it up
  row_ = 0;
  if (!warmed_[static_cast<std::size_t>(piece.backend)]) {
    warmed_[static_cast<std::size_t>(piece.backend)] = true;
    head_ms_ = 0;
    return;
  }
  size_ms_ += head_ms_;
  ++heads_done_;
  const double head = head_ms_;
  head_ms_ = 0;
  if (size_ms_ < min_total_ms_) return;
  CostCurve& curve = curves_[static_cast<std::size_t>(backend_)];
  curve.points.push_back({piece.n, size_ms_ / heads_done_, heads_done_});
  size_ms_ = 0;
  heads_done_ = 0;
  ++size_;
  const bool last = size_ >= static_cast<int>(sizes_.size());
  if (!last && head > stop_ms_) {
    char why[96];
    std::snprintf(why, sizeof why, "stopped: N = %d would take about %.1f s", sizes_[static_cast<std::size_t>(size_)],
                  4 * head / 1000);
    curve.stopped = why;
  }
  if (last || head > stop_ms_) {
    ++backend_;
    size_ = 0;
  }
}

double CostPlan::progress() const {
  if (finished()) return 1;
  // by sizes: a backend before the one under way counts whole (measured or stopped), the one under way by its points
  const double per_backend = static_cast<double>(sizes_.size());
  return (backend_ + size_ / per_backend) / static_cast<double>(curves_.size());
}

}  // namespace ap::core
