// conv2d 3x3 + relu + 2x2 max pooling by Winograd F(2x2, 3x3): each 2x2 output tile is
// one pooling window, computed from a 4x4 input tile with 16 multiplies per input and
// output channel pair where the convolution takes 36 (f32-conv-winograd.cc). The
// floats differ from the direct convolution's by rounding (the transforms add and
// subtract inputs, and weights halved), about 1e-6 of the values' size.
#pragma once
#include <cstddef>
#include <cstdint>
#include "f32-conv.h"

namespace tsjit {

// Whether Winograd takes the fused convolution: the ISA has its kernels; relu; a 3x3
// kernel at stride 1, dilation 1, no padding, one group; output channels a multiple of
// 8, at least 16 of them and of input channels (for the transforms to pay); unit-
// stride input rows.
bool winograd_pool_fits(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                        int64_t OH, int64_t OW, const ConvParams& p);

// out[N, O, OH / 2, OW / 2] = max_pool2d(relu(conv2d(input, weight, bias)), 2) on at
// most `threads` threads, for a convolution winograd_pool_fits takes; out of any
// strides.
void conv_relu_pool_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             int threads);

}  // namespace tsjit
