// conv2d (with its activation) followed by max_pool2d over 2x2 windows, stride 2, no
// padding (tsjit::conv2d_act_max_pool2x2): the convolution of one image (or of a block
// of its output channels) at a time goes to a per-thread buffer, still in L2 when it is
// pooled, so the pre-pool tensor never travels to memory and back (f32-conv-maxpool.cc).
#pragma once
#include <cstddef>
#include <cstdint>
#include "f32-conv.h"

namespace tsjit {

// out[N, O, OH / 2, OW / 2] = max_pool2d(conv2d(input, weight, bias) through
// p.activation, [2, 2], [2, 2]) where [OH, OW] is the convolution's output size; the
// windows past an odd last row or column are dropped, as max_pool2d drops them. The
// arguments as conv2d_f32's (validated, out apart from the inputs), out of any strides.
void conv2d_max_pool_2x2_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             const ConvParams& p);

}  // namespace tsjit
