// AVX2+FMA elementwise kernels along one row: binary (vector-vector and vector-scalar
// forms) and unary float32 ops (f32-velementwise.h).
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-velementwise.h"
#include "f32-velementwise-kernels.h"

namespace tsjit {
void tsjit_f32_vbinary_ukernel__avx2_fma(int op, size_t n, const float* a, size_t a_step, const float* b, size_t b_step,
                                         float* out, double alpha) {
  vbinary<VecAvx2>(op, n, a, a_step, b, b_step, out, alpha);
}
void tsjit_f32_vunary_ukernel__avx2_fma(int op, size_t n, const float* x, float* out, const double* params) {
  vunary<VecAvx2>(op, n, x, out, params);
}
}  // namespace tsjit
