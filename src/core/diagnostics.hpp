// Per-row diagnostics of one head's softmax, for the scaling views: entropy, effective keys, max weight,
// moments of the raw and scaled scores, and the Frobenius norm of the softmax Jacobian diag(p) − ppᵀ.
#pragma once

#include "core/matrix.hpp"
#include "core/trace.hpp"

namespace ap::core {

// scores, weights: N × M; allowed: N × M. Statistics of a row use only its allowed keys.
RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale);

// ‖diag(p) − ppᵀ‖_F for one probability row of length m (Σp = 1), accurate for nearly one-hot rows too.
double softmax_jacobian_norm(const double* p, int m);

}  // namespace ap::core
