// The Cost view's bookkeeping: the sizes it measures (N = 64, 128, … up to a cap), the bytes each way of computing
// attention holds, and the plan of a live measurement cut into pieces small enough for one frame (a run of query
// rows against all N keys), with when to stop a backend. Pure arithmetic and counting: the app runs the kernels
// and reads the clock (app/cost_measurement.cpp), the UI draws what this returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/tile_walk.hpp"

namespace ap::core {

// first, 2·first, 4·first, … while ≤ cap (first ≥ 1).
std::vector<int> cost_sizes(int first, int cap);

// Bytes in float (4 each).
double score_matrix_bytes(int n, int m);                 // one N × M matrix: 4·N·M (eigen holds two: scores, weights)
double tile_block_bytes(const TileSizes& sizes);         // the tiled kernel's scratch: one block of scores + m and l per row
double packed_kv_bytes(int m, int d_k, int d_v);         // k and v as the tiled kernel packs them: 4·M·(d_k + d_v)
double tiled_working_set_bytes(int m, int d_k, int d_v, const TileSizes& sizes);  // the two above: O(M·d), no M²

struct CostPoint {
  int n = 0;
  double milliseconds = 0;  // one N × N head, d_k = d_v of the plan, averaged over the repetitions
  int repetitions = 0;
};

struct CostCurve {
  std::string backend;
  std::vector<CostPoint> points;
  std::string stopped;  // why it ends before the cap ("the next size would take about 2.1 s"), or empty
};

// A measurement of each backend at each size, as a sequence of pieces: query rows [row0, row0 + rows) of one
// N × N head against every key. A size is run until at least min_total_ms has been spent on it (whole heads,
// averaged), after one uncounted head that warms the backend up; a backend stops at the first size whose head took more than stop_ms (the next, about 4× as long,
// is left out and said so).
class CostPlan {
 public:
  struct Piece {
    int backend = 0, n = 0, row0 = 0, rows = 0;
  };
  CostPlan(std::vector<std::string> backends, std::vector<int> sizes, int d_k, double piece_ms = 4,
           double min_total_ms = 3, double stop_ms = 400);

  // The next piece, sized from the backend's speed so far to take about piece_ms; none when everything is measured.
  std::optional<Piece> next() const;
  // What `piece` took; moves the plan on.
  void record(const Piece& piece, double milliseconds);

  const std::vector<CostCurve>& curves() const { return curves_; }
  const std::vector<int>& sizes() const { return sizes_; }
  int d_k() const { return d_k_; }
  bool finished() const { return backend_ >= static_cast<int>(curves_.size()); }
  double progress() const;  // 0 … 1, by (backend, size) points: a stopped backend's sizes count as done

 private:
  std::vector<int> sizes_;
  int d_k_;
  double piece_ms_, min_total_ms_, stop_ms_;
  std::vector<CostCurve> curves_;
  std::vector<double> rate_;  // per backend: multiply-adds per millisecond, measured (0: not yet)
  std::vector<bool> warmed_;  // per backend: its first head (caches, page faults, first allocations) is done, uncounted
  int backend_ = 0, size_ = 0, row_ = 0;  // where the plan is
  double head_ms_ = 0, size_ms_ = 0;      // the head under way so far; all heads of this size so far
  int heads_done_ = 0;
};

}  // namespace ap::core
