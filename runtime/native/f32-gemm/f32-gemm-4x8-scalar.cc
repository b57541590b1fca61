// Portable C++ SGEMM: a 4x8 scalar microkernel (the compiler may vectorize it with
// the baseline ISA), GEMV kernels and the peak loop. Runs on any CPU.
#include "../vec-scalar.h"
#include "f32-gemm.h"
#include "f32-gemm-kernels.h"

namespace tsjit {

void tsjit_f32_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
    float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n, const float* bias_m,
    const float* next_b, size_t prefetch_floats) {
  gemm_ukernel<VecScalar, 4, 8>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
}

void tsjit_f32_gemv_rows_ukernel__scalar(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b,
    ptrdiff_t rs_b, const GemvOutput& out, float* c, ptrdiff_t cs_c, bool descending) {
  gemv_rows<VecScalar>(N, K, a, a_step, b, rs_b, out, c, cs_c, descending);
}

void tsjit_f32_gemv_dots_ukernel_4__scalar(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a,
    const float* b, ptrdiff_t cs_b, const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending) {
  gemv_dots<VecScalar, 4>(M, N, K, a, rs_a, b, cs_b, outs, c, rs_c, cs_c, descending);
}

double tsjit_f32_peak_fma__scalar(size_t iterations, float* sink) { return peak_fma<VecScalar, 8>(iterations, sink); }

}  // namespace tsjit
