// The direct path of conv2d (f32-conv.h) for stride-1 convolutions: an implicit GEMM
// that reads each tap as a shifted run of the input rows (a zero-padded copy of them,
// or the input itself when unpadded), with no im2col matrix and no packing
// (f32-conv-direct.cc).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>
#include "../threadpool.h"
#include "f32-conv.h"

namespace tsjit {

// Stride 1 and a kernel larger than 1x1 (a 1x1 convolution reads its input in place
// already), where at least 2/3 of the positions the tiles compute are outputs: the
// positions past OW in each padded row, and past the plane in its last tile, are
// computed and dropped (a 7x7 plane padded to 9 wide fills two 48-wide tiles half).
bool direct_conv_fits(const IsaKernels& isa, const View4<const float>& weight, const View4<float>& out,
                      const ConvParams& p);

// A convolution that direct_conv_fits, set up once per call (its weights as O rows of
// Cg * KH * KW contiguous floats in (c, kh, kw) order, copied only when the strides do
// not give that; its biases), then computed by blocks of output rows (each on one
// thread).
class DirectConv {
 public:
  DirectConv(const IsaKernels& isa, const View4<const float>& weight, const float* bias, ptrdiff_t bias_stride,
             const View4<float>& out, const ConvParams& p);
  // Output rows [oh0, oh0 + rows) of image n, output channels [o_begin, o_end).
  void rows(const View4<const float>& in, int64_t n, int64_t oh0, int64_t rows, int64_t o_begin, int64_t o_end) const;

 private:
  const IsaKernels& isa_;
  const View4<float>& out_;
  const ConvParams& p_;
  int64_t Cg_, KH_, KW_, K_;
  const float* weights_;  // row o at weights_ + o * rs_w_
  ptrdiff_t rs_w_;
  std::vector<float> weight_copy_;
  std::vector<float> bias_;  // the O biases (0 without a bias), then MR - 1 zeros
};

// Fewer images than threads on the direct path: each image's output channels in parts
// of whole tiles of MR (every part computes all positions, so no part ends in a partly
// filled tile, as a block of rows may). Runs body(n, o_begin, o_end) for every part
// over the pool and returns true, or runs nothing and returns false when O is under
// two tiles.
template <class F>
bool for_channel_parts(const IsaKernels& isa, int64_t N, int64_t O, int threads, F&& body) {
  const int64_t MR = isa.conv.mr, tiles = (O + MR - 1) / MR;
  if (O < 2 * MR) return false;
  const int64_t wanted = std::min<int64_t>(tiles, (threads + N - 1) / N);
  const int64_t part = (tiles + wanted - 1) / wanted * MR;  // channels per part
  const int64_t parts = (O + part - 1) / part;                // none empty
  thread_pool().run(int(N * parts), [&](int t) {
    const int64_t o_begin = (t % parts) * part;
    body(t / parts, o_begin, std::min(O, o_begin + part));
  });
  return true;
}

}  // namespace tsjit
