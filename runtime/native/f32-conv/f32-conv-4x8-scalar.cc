// Portable direct convolution tile: 4 output channels x 8 wide positions.
#include "../vec-scalar.h"
#include "f32-conv-kernels.h"
#include "f32-conv-tile.h"

namespace tsjit {
void tsjit_f32_conv_ukernel_4x8__scalar(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to) {
  conv_tile<VecScalar, 4, 8>(mr, K, w, rs_w, in, offsets, bias, to);
}
}  // namespace tsjit
