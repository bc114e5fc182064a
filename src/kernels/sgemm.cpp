// Blocked sgemm: packing B, the register-tiled micro-kernel, and the cache-blocked loops around it.
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

void pack_b(const float* b, int ldb, bool transposed, int depth, int cols, float* dst) {
  // B's rows are often a head's columns of a wider matrix (k, v: one row per key, a stride of h·d apart), which the
  // hardware prefetchers do not follow: ask for the row `ahead` rows on while this one is copied
  constexpr int ahead = 8;
  const auto prefetch_row = [&](int row, int length) {
    const float* start = b + static_cast<std::size_t>(row) * ldb;
    for (int x = 0; x < length; x += 16) __builtin_prefetch(start + x);
  };
  for (int j0 = 0; j0 < cols; j0 += nr) {
    const int c = std::min(nr, cols - j0);
    float* panel = dst + static_cast<std::size_t>(j0) * depth;  // depth × nr, [p][j]
    if (!transposed) {
      for (int p = 0; p < depth; ++p) {
        if (p + ahead < depth) prefetch_row(p + ahead, c);
        const float* row = b + static_cast<std::size_t>(p) * ldb + j0;
        float* out = panel + static_cast<std::size_t>(p) * nr;
        int j = 0;
        for (; j < c; ++j) out[j] = row[j];
        for (; j < nr; ++j) out[j] = 0.0f;
      }
    } else {
      for (int j = 0; j < c; ++j) {  // b(p, j0 + j) = b[(j0 + j)·ldb + p]: read a row, write a column
        if (j + ahead < cols - j0) prefetch_row(j0 + j + ahead, depth);
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

// C tile (rows × cols of an mr × nr tile, row stride ldc) = (or +=) Σ_p A(i, p) · b_panel[p][j], with A(i, p) at
// a[row(i) + p·a_step], row(i) = i·a_row, or row_offset[i] when given (an edge tile); A is read in place, so
// a_row = lda and a_step = 1. One function, so the accumulators stay in registers from the first multiply-add to
// the store; every C entry is one register lane summed in p order, whatever tile it falls in.
template <bool offsets>
inline void tile_product(int depth, const float* __restrict a, std::size_t a_row, const std::size_t* row_offset,
                         std::size_t a_step, const float* __restrict b_panel, float* c, int ldc, int rows, int cols,
                         bool accumulate) {
  simd::vf acc[mr][nr_vectors];
#pragma GCC unroll 16
  for (int i = 0; i < mr; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < nr_vectors; ++v) acc[i][v] = simd::zero();
  for (int p = 0; p < depth; ++p) {
    simd::vf b[nr_vectors];
#pragma GCC unroll 4
    for (int v = 0; v < nr_vectors; ++v) b[v] = simd::load(b_panel + v * simd::lanes);
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i) {
      const simd::vf ai = simd::broadcast(a + (offsets ? row_offset[i] : i * a_row));
#pragma GCC unroll 4
      for (int v = 0; v < nr_vectors; ++v) acc[i][v] = simd::fma(ai, b[v], acc[i][v]);
    }
    a += a_step;
    b_panel += nr;
  }
  if (rows == mr && cols == nr) {
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < nr_vectors; ++v) {
        float* cv = c + static_cast<std::size_t>(i) * ldc + v * simd::lanes;
        simd::store(cv, accumulate ? simd::add(simd::load(cv), acc[i][v]) : acc[i][v]);
      }
    return;
  }
  float tile[mr * nr];  // an edge tile: through memory, only the valid part written back
#pragma GCC unroll 16
  for (int i = 0; i < mr; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < nr_vectors; ++v) simd::store(tile + i * nr + v * simd::lanes, acc[i][v]);
  for (int i = 0; i < rows; ++i) {
    float* ci = c + static_cast<std::size_t>(i) * ldc;
    if (accumulate)
      for (int j = 0; j < cols; ++j) ci[j] += tile[i * nr + j];
    else
      for (int j = 0; j < cols; ++j) ci[j] = tile[i * nr + j];
  }
}

}  // namespace

void micro_kernel(int depth, const float* a, int lda, const float* b_panel, float* c, int ldc, int rows, int cols,
                  bool accumulate) {
  if (rows == mr) {
    tile_product<false>(depth, a, static_cast<std::size_t>(lda), nullptr, 1, b_panel, c, ldc, rows, cols, accumulate);
    return;
  }
  std::size_t row_offset[mr];  // an edge: the missing rows repeat the last one (read, never stored)
  for (int i = 0; i < mr; ++i) row_offset[i] = static_cast<std::size_t>(std::min(i, rows - 1)) * lda;
  tile_product<true>(depth, a, 0, row_offset, 1, b_panel, c, ldc, rows, cols, accumulate);
}

// =====================================================================================================
// [SECTION] blocked product
// =====================================================================================================

void panel_product(const float* a, int lda, const float* b_packed, int rows, int depth, int cols, float* c, int ldc,
                   bool accumulate) {
  // j outer, i inner: one B panel (depth × nr) stays in L1 while the rows of A stream past it
  for (int j0 = 0; j0 < cols; j0 += nr) {
    const float* b_panel = b_packed + static_cast<std::size_t>(j0) * depth;
    const int c_cols = std::min(nr, cols - j0);
    for (int i0 = 0; i0 < rows; i0 += mr)
      micro_kernel(depth, a + static_cast<std::size_t>(i0) * lda, lda, b_panel, c + static_cast<std::size_t>(i0) * ldc + j0,
                   ldc, std::min(mr, rows - i0), c_cols, accumulate);
  }
}

int Sgemm::row_block(int rows, int threads) {
  if (threads <= 1 || rows <= mc_block) return mc_block;
  // a block count that is a multiple of the thread count, blocks near mc_block rows: the threads finish together
  const int per_thread = std::max(1, (rows + threads * mc_block / 2) / (threads * mc_block));
  return round_up((rows + threads * per_thread - 1) / (threads * per_thread), mr);
}

void Sgemm::run(int rows, int inner, int cols, const float* a, int lda, const float* b, int ldb, bool b_transposed,
                float* c, int ldc, ThreadPool& pool, bool accumulate) {
  if (rows <= 0 || cols <= 0) return;
  if (inner <= 0) {
    if (accumulate) return;
    for (int i = 0; i < rows; ++i) std::fill_n(c + static_cast<std::size_t>(i) * ldc, cols, 0.0f);
    return;
  }
  const int mc_rows = row_block(rows, pool.threads());
  const std::size_t b_need = static_cast<std::size_t>(round_up(std::min(nc_block, cols), nr)) * std::min(kc_block, inner);
  if (b_pack_.size() < b_need) b_pack_.resize(b_need);
  constexpr int panels_per_task = 4;  // B's packing, a few panels a task

  for (int jc = 0; jc < cols; jc += nc_block) {
    const int nc = std::min(nc_block, cols - jc);
    for (int pc = 0; pc < inner; pc += kc_block) {
      const int kc = std::min(kc_block, inner - pc);
      const int pack_tasks = (nc + panels_per_task * nr - 1) / (panels_per_task * nr);
      pool.run(pack_tasks, [&](int task, int) {
        const int j0 = task * panels_per_task * nr, count = std::min(panels_per_task * nr, nc - j0);
        const float* b_block = b_transposed ? b + static_cast<std::size_t>(jc + j0) * ldb + pc
                                            : b + static_cast<std::size_t>(pc) * ldb + jc + j0;
        pack_b(b_block, ldb, b_transposed, kc, count, b_pack_.data() + static_cast<std::size_t>(j0) * kc);
      });
      // the row blocks of C, each against the whole packed B block
      pool.run((rows + mc_rows - 1) / mc_rows, [&](int task, int) {
        const int ic = task * mc_rows, mc = std::min(mc_rows, rows - ic);
        panel_product(a + static_cast<std::size_t>(ic) * lda + pc, lda, b_pack_.data(), mc, kc, nc,
                      c + static_cast<std::size_t>(ic) * ldc + jc, ldc, accumulate || pc > 0);
      });
    }
  }
}

}  // namespace ap::kernels::gemm
