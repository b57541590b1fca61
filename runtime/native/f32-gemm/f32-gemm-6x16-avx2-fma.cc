// AVX2+FMA SGEMM: 6x16 microkernel (12 ymm accumulators + 2 for the B row + 1
// broadcast), GEMV kernels and the peak-FMA loop. Compiled for AVX2+FMA only here;
// called only when isa.cc found AVX2 and FMA at load.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-gemm.h"
#include "f32-gemm-kernels.h"

namespace tsjit {

void tsjit_f32_gemm_ukernel_6x16__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
    float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n, const float* bias_m,
    const float* next_b, size_t prefetch_floats) {
  gemm_ukernel_rows<VecAvx2, 6, 2>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
}

void tsjit_f32_gemv_rows_ukernel__avx2_fma(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b,
    ptrdiff_t rs_b, const GemvOutput& out, float* c, ptrdiff_t cs_c, bool descending) {
  gemv_rows<VecAvx2>(N, K, a, a_step, b, rs_b, out, c, cs_c, descending);
}

void tsjit_f32_gemv_dots_ukernel_8__avx2_fma(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a,
    const float* b, ptrdiff_t cs_b, const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending) {
  gemv_dots<VecAvx2, 8>(M, N, K, a, rs_a, b, cs_b, outs, c, rs_c, cs_c, descending);
}

double tsjit_f32_peak_fma__avx2_fma(size_t iterations, float* sink) { return peak_fma<VecAvx2, 12>(iterations, sink); }

}  // namespace tsjit
