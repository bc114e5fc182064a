// Comparisons the tests share: normwise relative error (ggml's test-backend-ops measure), finiteness,
// and JSON arrays of rows → core::Matrix. Depends on core's matrix types and nlohmann only.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/matrix.hpp"

namespace ap::test {

// max|a − r| / max|r|: one number per matrix, insensitive to entries that are tiny next to the largest.
// A reference of all zeros gives the absolute error instead; a shape mismatch gives +∞.
inline double rel_err(const core::Matrix& a, const core::Matrix& r) {
  if (a.rows() != r.rows() || a.cols() != r.cols()) return std::numeric_limits<double>::infinity();
  if (r.size() == 0) return 0.0;
  const double diff = (a - r).cwiseAbs().maxCoeff();
  if (std::isnan(diff)) return std::numeric_limits<double>::infinity();
  const double scale = r.cwiseAbs().maxCoeff();
  return scale > 0 ? diff / scale : diff;
}

inline bool all_finite(const core::Matrix& m) { return m.allFinite(); }

// Where the reference is finite, rel_err over those cells (the norm taken over them); +∞ when a cell is finite in
// one and not the other. For results that overflow by design: the same cells non-finite, the rest close.
inline double rel_err_finite_cells(const core::Matrix& a, const core::Matrix& r) {
  if (a.rows() != r.rows() || a.cols() != r.cols()) return std::numeric_limits<double>::infinity();
  double diff = 0, scale = 0;
  for (Eigen::Index i = 0; i < r.size(); ++i) {
    const double x = a.data()[i], y = r.data()[i];
    if (std::isfinite(x) != std::isfinite(y)) return std::numeric_limits<double>::infinity();
    if (!std::isfinite(y)) continue;
    diff = std::max(diff, std::fabs(x - y));
    scale = std::max(scale, std::fabs(y));
  }
  return scale > 0 ? diff / scale : diff;
}

// A JSON array of rows (as written by the golden generator) → row-major matrix.
inline core::Matrix matrix_from_json(const nlohmann::json& rows) {
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto d = n > 0 ? static_cast<Eigen::Index>(rows[0].size()) : 0;
  core::Matrix m(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& row = rows[static_cast<std::size_t>(i)];
    if (static_cast<Eigen::Index>(row.size()) != d) return core::Matrix();  // ragged: never equal to anything
    for (Eigen::Index j = 0; j < d; ++j) {  // null: a non-finite cell (JSON has no ∞ or NaN)
      const auto& v = row[static_cast<std::size_t>(j)];
      m(i, j) = v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
    }
  }
  return m;
}

inline std::vector<int> ints_from_json(const nlohmann::json& a) { return a.get<std::vector<int>>(); }

}  // namespace ap::test
