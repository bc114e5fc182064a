// Matrix types of the numeric core.
// Storage order, said once for the whole project: ROW-MAJOR. A token is a row (SPEC §1), so a matrix's
// rows are contiguous and map one to one onto the JSON's arrays of rows and onto the kernels' float buffers.
// Depends on Eigen only.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace ap::core {

template <class T>
using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using RowVectorT = Eigen::Matrix<T, 1, Eigen::Dynamic, Eigen::RowMajor>;

using Matrix = MatrixT<double>;        // what the user entered and what every view draws
using RowVector = RowVectorT<double>;  // biases: one value per output column
using MatrixF = MatrixT<float>;        // what the float kernels compute on
using AllowMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;  // 1 = may attend

}  // namespace ap::core
