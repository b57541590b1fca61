// AVX-512F depthwise convolution row kernel.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"
#include "f32-dwconv-row.h"

namespace tsjit {
void tsjit_f32_dwconv_row_ukernel__avx512f(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc) {
  dwconv_row<VecAvx512>(n, taps, rows, weights, acc);
}
}  // namespace tsjit
