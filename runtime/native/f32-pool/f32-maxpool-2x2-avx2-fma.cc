// AVX2 2x2 stride-2 max-pool kernel: the portable loop, vectorized by the compiler.
#pragma GCC target("avx2,fma")
#include "f32-maxpool-2x2.h"
#include "f32-pool-kernels.h"

namespace tsjit {
void tsjit_f32_maxpool_2x2_ukernel__avx2_fma(size_t rows, size_t n, const float* in, ptrdiff_t rs_in, float* out,
                                       ptrdiff_t rs_out) {
  maxpool_2x2_rows(rows, n, in, rs_in, out, rs_out);
}
}  // namespace tsjit
