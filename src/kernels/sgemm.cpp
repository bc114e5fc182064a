// Packed sgemm: packing, the register-tiled micro-kernel, and the cache-blocked loops around it.
//
// [SECTION] packing
// [SECTION] micro-kernel
// [SECTION] blocked product
#include "kernels/sgemm.hpp"

#include <algorithm>

namespace ap::kernels::gemm {

const char* instruction_set() { return simd::isa_name; }

// =====================================================================================================
// [SECTION] packing
// =====================================================================================================

void pack_a(const float* a, int lda, int rows, int depth, float* dst) {
  for (int i0 = 0; i0 < rows; i0 += mr) {
    const int r = std::min(mr, rows - i0);
    float* panel = dst + static_cast<std::size_t>(i0) * depth;  // depth × mr, [p][i]
    for (int i = 0; i < r; ++i) {
      const float* row = a + static_cast<std::size_t>(i0 + i) * lda;
      for (int p = 0; p < depth; ++p) panel[static_cast<std::size_t>(p) * mr + i] = row[p];
    }
    for (int i = r; i < mr; ++i)
      for (int p = 0; p < depth; ++p) panel[static_cast<std::size_t>(p) * mr + i] = 0.0f;
  }
}

void pack_b(const float* b, int ldb, bool transposed, int depth, int cols, float* dst) {
  for (int j0 = 0; j0 < cols; j0 += nr) {
    const int c = std::min(nr, cols - j0);
    float* panel = dst + static_cast<std::size_t>(j0) * depth;  // depth × nr, [p][j]
    if (!transposed) {
      for (int p = 0; p < depth; ++p) {
        const float* row = b + static_cast<std::size_t>(p) * ldb + j0;
        float* out = panel + static_cast<std::size_t>(p) * nr;
        int j = 0;
        for (; j < c; ++j) out[j] = row[j];
        for (; j < nr; ++j) out[j] = 0.0f;
      }
    } else {
      for (int j = 0; j < c; ++j) {  // b(p, j0 + j) = b[(j0 + j)·ldb + p]: read a row, write a column
        const float* row = b + static_cast<std::size_t>(j0 + j) * ldb;
        for (int p = 0; p < depth; ++p) panel[static_cast<std::size_t>(p) * nr + j] = row[p];
      }
      for (int j = c; j < nr; ++j)
        for (int p = 0; p < depth; ++p) panel[static_cast<std::size_t>(p) * nr + j] = 0.0f;
    }
  }
}

// =====================================================================================================
// [SECTION] micro-kernel
// =====================================================================================================

namespace {

// acc (mr × nr in registers) = Σ_p A(i, p) · b_panel[p][j], A(i, p) at a_row[i][p · a_step]: a packed panel
// (a_row[i] = panel + i, a_step = mr) or plain rows (a_row[i] = row i, a_step = 1).
struct Tile {
  simd::vf acc[mr][nr_vectors];
};

inline void tile_product(int depth, const float* const* a_row, int a_step, const float* __restrict b_panel, Tile& t) {
  for (int i = 0; i < mr; ++i)
    for (int v = 0; v < nr_vectors; ++v) t.acc[i][v] = simd::zero();
  const float* a[mr];
  for (int i = 0; i < mr; ++i) a[i] = a_row[i];
  for (int p = 0; p < depth; ++p) {
    simd::vf b[nr_vectors];
    for (int v = 0; v < nr_vectors; ++v) b[v] = simd::load(b_panel + v * simd::lanes);
    for (int i = 0; i < mr; ++i) {
      const simd::vf ai = simd::broadcast(a[i]);
      for (int v = 0; v < nr_vectors; ++v) t.acc[i][v] = simd::fma(ai, b[v], t.acc[i][v]);
      a[i] += a_step;
    }
    b_panel += nr;
  }
}

void store_tile(const Tile& t, float* c, int ldc, int rows, int cols, bool accumulate) {
  if (rows == mr && cols == nr) {
    for (int i = 0; i < mr; ++i) {
      float* ci = c + static_cast<std::size_t>(i) * ldc;
      for (int v = 0; v < nr_vectors; ++v) {
        float* cv = ci + v * simd::lanes;
        simd::store(cv, accumulate ? simd::add(simd::load(cv), t.acc[i][v]) : t.acc[i][v]);
      }
    }
    return;
  }
  float tile[mr * nr];  // an edge tile: through memory, only the valid part written back
  for (int i = 0; i < mr; ++i)
    for (int v = 0; v < nr_vectors; ++v) simd::store(tile + i * nr + v * simd::lanes, t.acc[i][v]);
  for (int i = 0; i < rows; ++i) {
    float* ci = c + static_cast<std::size_t>(i) * ldc;
    if (accumulate)
      for (int j = 0; j < cols; ++j) ci[j] += tile[i * nr + j];
    else
      for (int j = 0; j < cols; ++j) ci[j] = tile[i * nr + j];
  }
}

}  // namespace

void micro_kernel(int depth, const float* a_panel, const float* b_panel, float* c, int ldc, int rows, int cols,
                  bool accumulate) {
  const float* a_row[mr];
  for (int i = 0; i < mr; ++i) a_row[i] = a_panel + i;
  Tile t;
  tile_product(depth, a_row, mr, b_panel, t);
  store_tile(t, c, ldc, rows, cols, accumulate);
}

void micro_kernel_rows(int depth, const float* a, int lda, const float* b_panel, float* c, int ldc, int rows, int cols,
                       bool accumulate) {
  const float* a_row[mr];
  for (int i = 0; i < mr; ++i) a_row[i] = a + static_cast<std::size_t>(std::min(i, rows - 1)) * lda;  // edge: repeat
  Tile t;
  tile_product(depth, a_row, 1, b_panel, t);
  store_tile(t, c, ldc, rows, cols, accumulate);
}

// =====================================================================================================
// [SECTION] blocked product
// =====================================================================================================

void packed_product(const float* a_packed, const float* b_packed, int rows, int depth, int cols, float* c, int ldc,
                    bool accumulate) {
  // j outer, i inner: one B panel (depth × nr) stays in L1 while the A panels stream past it
  for (int j0 = 0; j0 < cols; j0 += nr) {
    const float* b_panel = b_packed + static_cast<std::size_t>(j0) * depth;
    const int c_cols = std::min(nr, cols - j0);
    for (int i0 = 0; i0 < rows; i0 += mr)
      micro_kernel(depth, a_packed + static_cast<std::size_t>(i0) * depth, b_panel,
                   c + static_cast<std::size_t>(i0) * ldc + j0, ldc, std::min(mr, rows - i0), c_cols, accumulate);
  }
}

void Sgemm::run(int rows, int inner, int cols, const float* a, int lda, const float* b, int ldb, bool b_transposed,
                float* c, int ldc, bool accumulate) {
  if (rows <= 0 || cols <= 0) return;
  if (inner <= 0) {
    if (accumulate) return;
    for (int i = 0; i < rows; ++i) std::fill_n(c + static_cast<std::size_t>(i) * ldc, cols, 0.0f);
    return;
  }
  const int kc_max = std::min(kc_block, inner);
  const std::size_t a_need = static_cast<std::size_t>(round_up(std::min(mc_block, rows), mr)) * kc_max;
  const std::size_t b_need = static_cast<std::size_t>(round_up(std::min(nc_block, cols), nr)) * kc_max;
  if (a_pack_.size() < a_need) a_pack_.resize(a_need);
  if (b_pack_.size() < b_need) b_pack_.resize(b_need);

  for (int jc = 0; jc < cols; jc += nc_block) {
    const int nc = std::min(nc_block, cols - jc);
    for (int pc = 0; pc < inner; pc += kc_block) {
      const int kc = std::min(kc_block, inner - pc);
      const float* b_block = b_transposed ? b + static_cast<std::size_t>(jc) * ldb + pc
                                          : b + static_cast<std::size_t>(pc) * ldb + jc;
      pack_b(b_block, ldb, b_transposed, kc, nc, b_pack_.data());
      for (int ic = 0; ic < rows; ic += mc_block) {
        const int mc = std::min(mc_block, rows - ic);
        pack_a(a + static_cast<std::size_t>(ic) * lda + pc, lda, mc, kc, a_pack_.data());
        packed_product(a_pack_.data(), b_pack_.data(), mc, kc, nc, c + static_cast<std::size_t>(ic) * ldc + jc, ldc,
                       accumulate || pc > 0);
      }
    }
  }
}

}  // namespace ap::kernels::gemm
