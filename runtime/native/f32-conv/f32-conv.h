// conv2d over float32 [N, C, H, W] tensors addressed by base pointer and strides,
// as runtime/kernels/js/conv.ts computes it. Arguments must be validated
// (bind-conv.cc): every index the geometry reaches lies inside its buffer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "../kernels.h"

namespace tsjit {

// A 4-D view: data points at element [0, 0, 0, 0].
template <class T>
struct View4 {
  T* data;
  int64_t dim[4];
  int64_t stride[4];
};

// Below this many multiply-adds a convolution runs on the calling thread.
constexpr double kConvParallelMacs = 96.0 * 96.0 * 96.0;

// The O biases `bias_stride` apart as one dense run (zeros when bias is null).
inline std::vector<float> dense_biases(const float* bias, ptrdiff_t bias_stride, int64_t O) {
  std::vector<float> biases(size_t(O), 0.0f);
  if (bias != nullptr)
    for (int64_t o = 0; o < O; o++) biases[size_t(o)] = bias[o * bias_stride];
  return biases;
}

struct ConvParams {
  int64_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, groups;
  // A UnaryOp without parameters applied to the result (an epilogue, as sgemm_fused
  // applies it), or -1 for none; with one, out.stride[3] must be 1.
  int activation;
};

// out[N, O, OH, OW] = conv2d(input[N, C, H, W], weight[O, C / groups, KH, KW]) + bias,
// bias O floats `bias_stride` apart or null. out's [OH, OW] must be one run of stride
// out.stride[3] (out.stride[2] == OW * out.stride[3], or OH == 1) and not overlap the
// inputs.
void conv2d_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p);
// The same on at most `threads` threads of the pool (1: all on the calling thread, as a
// task of a job that shares out its own work).
void conv2d_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p, int threads);

}  // namespace tsjit
