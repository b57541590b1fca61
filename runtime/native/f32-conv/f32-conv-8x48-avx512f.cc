// AVX-512F direct convolution tile: 8 output channels x 48 wide positions.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"
#include "f32-conv-tile.h"

namespace tsjit {
void tsjit_f32_conv_ukernel_8x48__avx512f(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to) {
  conv_tile<VecAvx512, 8, 3>(mr, K, w, rs_w, in, offsets, bias, to);
}
}  // namespace tsjit
