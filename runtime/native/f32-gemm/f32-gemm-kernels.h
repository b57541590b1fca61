// Declarations of every ISA's GEMM-family kernels (definitions in f32-gemm-*.cc).
#pragma once
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
#define TSJIT_DECLARE_GEMM_FAMILY(TILE, ROWS, ISA)                                                                         \
  void tsjit_f32_gemm_ukernel_##TILE##__##ISA(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a,      \
                                              const float* b, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, \
                                              float beta, const float* bias_n, const float* bias_m,                  \
                                              const float* next_b, size_t prefetch_floats);                          \
  void tsjit_f32_gemv_rows_ukernel__##ISA(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b,      \
                                          ptrdiff_t rs_b, const GemvOutput& out, float* c, ptrdiff_t cs_c,           \
                                          bool descending);                                                          \
  void tsjit_f32_gemv_dots_ukernel_##ROWS##__##ISA(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a,     \
                                                   const float* b, ptrdiff_t cs_b, const GemvOutput* outs, float* c, \
                                                   ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending);                 \
  double tsjit_f32_peak_fma__##ISA(size_t iterations, float* sink);
TSJIT_DECLARE_GEMM_FAMILY(6x64, 16, avx512f)
TSJIT_DECLARE_GEMM_FAMILY(6x16, 8, avx2_fma)
TSJIT_DECLARE_GEMM_FAMILY(4x8, 4, scalar)
#undef TSJIT_DECLARE_GEMM_FAMILY
void tsjit_x32_packb_ukernel_64__avx512f(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);
}  // namespace tsjit
