// Per-row diagnostics of one head's softmax, for the scaling views: entropy, effective keys, max weight,
// moments of the raw and scaled scores, and the Frobenius norm of the softmax Jacobian diag(p) − ppᵀ.
#pragma once

#include "core/mask.hpp"
#include "core/matrix.hpp"
#include "core/trace.hpp"

namespace ap::core {

// scores, scaled, weights, allowed: N × M. The moments of a row use only its allowed keys; entropy, maximum weight
// and the Jacobian use the whole row of weights (the same thing unless mask_fill is finite). A row whose weights
// hold NaN (no defined softmax) gets NaN for those, never a finite stand-in.
RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& scaled, const Matrix& weights, const AllowMatrix& allowed);
// The same with scaled = scale · scores.
RowDiagnostics row_diagnostics(const Matrix& scores, const Matrix& weights, const AllowMatrix& allowed, double scale);

// The same statistics for rows [row0, row0 + rows) only, from one block of a head: scores, scaled and weights are
// rows × m, row-major, contiguous (float from a fast kernel, or double). `d` must hold N entries already
// (resize_diagnostics); the rest of it is left alone. The page computes a head block by block this way.
template <class T>
void row_diagnostics_block(const T* scores, const T* scaled, const T* weights, int rows, int m, int row0,
                           const AllowMatrix& allowed, RowDiagnostics& d);
void resize_diagnostics(RowDiagnostics& d, int n);
// The same for a textbook head (HeadVariants::textbook: scaled = scale·score, masked weights 0, no sink, no rounding),
// in two passes over each row's open keys and one logarithm per row, for the page's large layers: the entropy as
// Σ_j p_j (max − s_j) − log p_max (equal to −Σ p log p for a softmax), the rest as above. `mask` is the block's rule.
template <class T>
void row_diagnostics_textbook_block(const T* scores, const T* weights, int rows, int m, int row0, const MaskRule& mask,
                                    double scale, RowDiagnostics& d);

// ‖diag(p) − ppᵀ‖_F for one probability row of length m (Σp = 1), accurate for nearly one-hot rows too.
double softmax_jacobian_norm(const double* p, int m);

}  // namespace ap::core
