// AVX2+FMA direct convolution tile: 4 output channels x 24 wide positions.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-conv-kernels.h"
#include "f32-conv-tile.h"

namespace tsjit {
void tsjit_f32_conv_ukernel_4x24__avx2_fma(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to) {
  conv_tile<VecAvx2, 4, 3>(mr, K, w, rs_w, in, offsets, bias, to);
}
}  // namespace tsjit
