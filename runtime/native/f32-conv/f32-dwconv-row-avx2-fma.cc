// AVX2+FMA depthwise convolution row kernel.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-conv-kernels.h"
#include "f32-dwconv-row.h"

namespace tsjit {
void tsjit_f32_dwconv_row_ukernel__avx2_fma(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc) {
  dwconv_row<VecAvx2>(n, taps, rows, weights, acc);
}
}  // namespace tsjit
