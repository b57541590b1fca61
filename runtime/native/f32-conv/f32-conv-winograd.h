// 3x3 stride-1 convolutions by Winograd F(2x2, 3x3): each 2x2 output tile computed from a
// 4x4 input tile with 16 multiplies per input and output channel pair where the
// convolution takes 36 (f32-conv-winograd.cc); under conv2d + relu + 2x2 max pooling
// each tile is one pooling window. The floats differ from the direct convolution's by
// rounding (the transforms add and subtract inputs, and weights halved), about 1e-6 of
// the values' size.
#pragma once
#include <cstddef>
#include <cstdint>
#include "f32-conv.h"

namespace tsjit {

// Whether Winograd takes the fused convolution: the ISA has its kernels; relu; a 3x3
// kernel at stride 1, dilation 1, no padding, one group; output channels a multiple of
// 8, at least 16 of them and of input channels (for the transforms to pay), at most
// 128 x 128 channel pairs (for the transformed weights to stay in L2); unit-stride
// input rows (read in place).
bool winograd_pool_fits(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                        int64_t OH, int64_t OW, const ConvParams& p);

// out[N, O, OH / 2, OW / 2] = max_pool2d(relu(conv2d(input, weight, bias)), 2) on at
// most `threads` threads, for a convolution winograd_pool_fits takes; out of any
// strides.
void conv_relu_pool_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             const ConvParams& p, int threads);

// Whether Winograd takes conv2d: the shape above, padding 0 or 1, no activation or
// relu, out's rows of unit stride and at least 2 x 2 outputs. The input, of any
// strides, is copied per image into a zero-padded buffer the tiles read.
bool winograd_conv_fits(const IsaKernels& isa, const View4<const float>& weight, const View4<float>& out,
                        const ConvParams& p);

// out = conv2d(input, weight, bias) (through relu when p says) on at most `threads`
// threads, for a convolution winograd_conv_fits takes.
void conv_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                   const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p, int threads);

}  // namespace tsjit
