// AVX2+FMA contiguous elementwise kernels: add/sub/mul/div and relu/tanh/exp/sigmoid/gelu.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-velementwise.h"
#include "f32-velementwise-kernels.h"

namespace tsjit {
void tsjit_f32_vbinary_ukernel__avx2_fma(int op, size_t n, const float* a, const float* b, float* out, float alpha) {
  vbinary<VecAvx2>(op, n, a, b, out, alpha);
}
void tsjit_f32_vunary_ukernel__avx2_fma(int op, size_t n, const float* x, float* out) { vunary<VecAvx2>(op, n, x, out); }
}  // namespace tsjit
