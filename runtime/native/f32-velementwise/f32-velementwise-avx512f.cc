// AVX-512F elementwise kernels along one row: binary (vector-vector and vector-scalar
// forms) and unary float32 ops (f32-velementwise.h).
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-velementwise.h"
#include "f32-velementwise-kernels.h"

namespace tsjit {
void tsjit_f32_vbinary_ukernel__avx512f(int op, size_t n, const float* a, size_t a_step, const float* b, size_t b_step,
                                        float* out, double alpha) {
  vbinary<VecAvx512>(op, n, a, a_step, b, b_step, out, alpha);
}
void tsjit_f32_vunary_ukernel__avx512f(int op, size_t n, const float* x, float* out, const double* params) {
  vunary<VecAvx512>(op, n, x, out, params);
}
}  // namespace tsjit
