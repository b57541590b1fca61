// AVX-512F SGEMM: 6x64 microkernel (24 zmm accumulators + 4 for the B row + 1
// broadcast), GEMV kernels and the peak-FMA loop. Compiled for AVX-512F only here;
// called only when isa.cc found AVX-512F at load.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-gemm.h"
#include "f32-gemm-kernels.h"

namespace tsjit {

void tsjit_f32_gemm_ukernel_6x64__avx512f(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
    float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n, const float* bias_m) {
  gemm_ukernel<VecAvx512, 6, 4>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m);
}

void tsjit_f32_gemv_rows_ukernel__avx512f(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b,
    ptrdiff_t rs_b, const GemvOutput& out, float* c, ptrdiff_t cs_c) {
  gemv_rows<VecAvx512, 4>(N, K, a, a_step, b, rs_b, out, c, cs_c);
}

void tsjit_f32_gemv_dots_ukernel_16__avx512f(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a,
    const float* b, ptrdiff_t cs_b, const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c) {
  gemv_dots<VecAvx512, 16>(M, N, K, a, rs_a, b, cs_b, outs, c, rs_c, cs_c);
}

double tsjit_f32_peak_fma__avx512f(size_t iterations, float* sink) { return peak_fma<VecAvx512, 16>(iterations, sink); }

}  // namespace tsjit
