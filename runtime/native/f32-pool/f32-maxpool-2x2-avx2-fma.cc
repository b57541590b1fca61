// AVX2 2x2 stride-2 max-pool row kernel: the portable loop, vectorized by the compiler.
#pragma GCC target("avx2,fma")
#include "f32-maxpool-2x2.h"
#include "f32-pool-kernels.h"

namespace tsjit {
void tsjit_f32_maxpool_2x2_ukernel__avx2_fma(size_t n, const float* top, const float* bottom, float* out) {
  maxpool_2x2_row(n, top, bottom, out);
}
}  // namespace tsjit
