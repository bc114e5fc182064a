// Blocked single-precision matrix products for the fast kernels (the GotoBLAS scheme, A read in place): B is
// copied into panels that the register-tiled micro-kernel walks contiguously, one SIMD vector row of B at a time
// (kernels/simd.hpp), while each row of A is broadcast straight from its own row (packing A bought nothing
// measurable on AVX-512 or SIMD128 and cost about 5 % of the layer). Used for the projections (Kernel::matmul)
// and, on k and v packed once per head, for q·kᵀ and weights·v inside attention. Float accumulation in k order:
// the same rounding class as the scalar kernel (tested to 1e-5 normwise against the double reference).
// Depends on kernels/simd.hpp and kernels/thread_pool.hpp only.
#pragma once

#include <cstddef>
#include <vector>

#include "kernels/simd.hpp"
#include "kernels/thread_pool.hpp"

namespace ap::kernels::gemm {

// The register tile: mr rows × nr columns of C live in registers during the k loop: 4 rows × 2 vectors,
// 8 accumulators + 2 B vectors + 1 broadcast A. Measured (docs/benchmarks.md): under SIMD128 on the AMD machines
// 4×2 ran 45–49 GFLOP/s while 6×2, 4×3, 8×1 and 3×3 spilled in V8 (11–25); on the Intel ones every tile from
// 2×4 to 5×2 runs at the same 27.5 (two SSE multiplies or adds a cycle: SIMD128 has no FMA). AVX-512 has 32
// registers: 12×2 (24 accumulators) runs 10–15 % above 8×2 (16), which ran 150–185 there against 73–161 for 4×2.
#if defined(AP_GEMM_MR)  // tuning experiments only
inline constexpr int mr = AP_GEMM_MR, nr_vectors = AP_GEMM_NV;
#elif defined(AP_SIMD_AVX512)
inline constexpr int mr = 12, nr_vectors = 2;  // 32 zmm registers: 24 accumulators fit
#elif defined(AP_SIMD_AVX2) || defined(AP_SIMD_WASM) || defined(AP_SIMD_SSE4)
inline constexpr int mr = 4, nr_vectors = 2;
#else
inline constexpr int mr = 4, nr_vectors = 4;
#endif
inline constexpr int nr = nr_vectors * simd::lanes;

// Cache blocking of the general product: an A block of mc × kc stays in L2, a B panel of kc × nr in L1.
inline constexpr int kc_block = 256, mc_block = 96, nc_block = 2048;

inline int round_up(int x, int to) { return (x + to - 1) / to * to; }

// Packs depth [0, depth) × columns [0, cols) of B into ceil(cols/nr) panels, each depth × nr floats laid out
// [p][j], columns past the end zero. b(p, j) is at b[p·ldb + j], or at b[j·ldb + p] when transposed
// (then B is kᵀ for a row-major k). dst holds round_up(cols, nr) · depth floats.
void pack_b(const float* b, int ldb, bool transposed, int depth, int cols, float* dst);

// C tile (rows ≤ mr × cols ≤ nr, row stride ldc) = (or += when accumulate) A · one B panel, A read in place,
// row-major (a(i, p) at a[i·lda + p]); b_panel: depth × nr as pack_b lays it out. Rows past `rows` repeat the last
// row and are not stored.
void micro_kernel(int depth, const float* a, int lda, const float* b_panel, float* c, int ldc, int rows, int cols,
                  bool accumulate);

// C (rows × cols) = (or +=) A (rows × depth, row-major, row stride lda) · B (depth × cols, packed by pack_b),
// C row-major with row stride ldc. B's panels must be `depth` deep.
void panel_product(const float* a, int lda, const float* b_packed, int rows, int depth, int cols, float* c, int ldc,
                   bool accumulate);

// The vector instructions this file was compiled for (simd::isa_name): "avx512f", "avx2+fma", "wasm-simd128", …
// Asked here, not through simd.hpp, because the fast kernels may be compiled with other flags than their callers.
const char* instruction_set();

// The general product with its own reusable packing buffer (allocated once, grown when needed). On a pool of
// several threads, B's panels are packed by all of them and the row blocks of C shared out; every C entry is summed
// in the same order whatever the thread count (bit for bit).
class Sgemm {
 public:
  // c (rows × cols, row stride ldc) = a (rows × inner, row stride lda) · b (inner × cols, row stride ldb);
  // b_transposed: b is given as cols × inner (row stride ldb), as k is for q·kᵀ. accumulate: c += a · b.
  void run(int rows, int inner, int cols, const float* a, int lda, const float* b, int ldb, bool b_transposed,
           float* c, int ldc, ThreadPool& pool, bool accumulate = false);

  // Rows of C per block: mc_block on one thread; else near it, in a count of blocks the threads share evenly.
  static int row_block(int rows, int threads);

 private:
  std::vector<float> b_pack_;
};

}  // namespace ap::kernels::gemm
