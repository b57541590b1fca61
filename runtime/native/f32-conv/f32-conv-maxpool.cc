// A convolution Winograd F(2x2, 3x3) takes (f32-conv-winograd.cc: AVX-512 or AVX2,
// relu, 3x3, 16+ channels) never leaves its kernels unpooled. Otherwise each image's convolution is
// written to a per-thread buffer (cnn's conv2: 147 KB, in L2) and pooled from there
// into out. Where the ISA has a channels-last tile and the
// convolution fits it (stride 1, unpadded, output channels in blocks of 32: cnn's
// conv2), the buffer is one block of channels of one image, [OH, OW, 32], and the
// (image, block) pairs are shared out over the pool. Otherwise the buffer is an image's
// [O, OH, OW] as conv2d_f32 writes it: with at least as many images as threads, the
// images are shared out whole and each task convolves on its own thread; with fewer,
// on the direct path, each task computes and pools a part of an image's output channels
// (as conv2d_f32 splits them), else the images' convolutions split over the pool as
// conv2d_f32 splits them, into one buffer for all, then the pooling.
#include "f32-conv-maxpool.h"
#include <algorithm>
#include <vector>
#include "../f32-pool/f32-pool.h"
#include "../threadpool.h"
#include "f32-conv-direct.h"
#include "f32-conv-winograd.h"

namespace tsjit {
namespace {

thread_local std::vector<float> t_convolved;

constexpr PoolWindow kWindow2x2{2, 2, 2, 2, 0, 0};

// Images [n0, n0 + count) of a 4-D view.
template <class T>
View4<T> images(const View4<T>& v, int64_t n0, int64_t count) {
  return {v.data + n0 * v.stride[0], {count, v.dim[1], v.dim[2], v.dim[3]}, {v.stride[0], v.stride[1], v.stride[2], v.stride[3]}};
}

// Channels [o_begin, o_end) of image n of a 4-D view.
View4<float> channels(const View4<float>& v, int64_t n, int64_t o_begin, int64_t o_end) {
  return {v.data + n * v.stride[0] + o_begin * v.stride[1], {1, o_end - o_begin, v.dim[2], v.dim[3]}, {v.stride[0], v.stride[1], v.stride[2], v.stride[3]}};
}

// A dense [N, O, OH, OW] view of t_convolved, grown to fit.
View4<float> convolved_buffer(int64_t N, int64_t O, int64_t OH, int64_t OW) {
  t_convolved.resize(size_t(N * O * OH * OW));
  return {t_convolved.data(), {N, O, OH, OW}, {O * OH * OW, OH * OW, OW, 1}};
}

View4<const float> as_input(const View4<float>& v) {
  return {v.data, {v.dim[0], v.dim[1], v.dim[2], v.dim[3]}, {v.stride[0], v.stride[1], v.stride[2], v.stride[3]}};
}

// The channels-last tile's output channels (its positions along an output row: from
// kNhwcMinPositions to kNhwcMaxPositions, by nhwc_tile_positions).
constexpr int64_t kNhwcChannels = 32;

// The tile width splitting an output row of OW into the fewest tiles, as evenly as can
// be (at least kNhwcMinPositions wide for OW of at least that: OW itself up to
// kNhwcMaxPositions, else at least half of 15): the row's last tile overlaps the one
// before only where the width does not divide OW, so few positions are computed twice
// (OW 26: 2 tiles of 13, where tiles of 12 computed 36 positions).
int64_t nhwc_tile_positions(int64_t OW) {
  const int64_t tiles = (OW + kNhwcMaxPositions - 1) / kNhwcMaxPositions;
  return (OW + tiles - 1) / tiles;
}

thread_local std::vector<float> t_nhwc_weights;
thread_local std::vector<float> t_nhwc_block;

// Block b's weights (output channels 32b to 32b + 31) as K rows of its 32 channels, k
// in (c, kh, kw) order: by the ISA's transposing kernel when each channel's K weights
// are one run, else one by one.
void pack_nhwc_block(const IsaKernels& isa, const View4<const float>& weight, int64_t b, float* dst) {
  const int64_t* s = weight.stride;
  const int64_t C = weight.dim[1], KH = weight.dim[2], KW = weight.dim[3];
  const float* first = weight.data + b * kNhwcChannels * s[0];
  if ((KW == 1 || s[3] == 1) && (KH == 1 || s[2] == KW) && (C == 1 || s[1] == KH * KW)) {
    isa.conv.pack_nhwc(size_t(C * KH * KW), first, s[0], dst);
    return;
  }
  for (int64_t c = 0; c < weight.dim[1]; c++)
    for (int64_t kh = 0; kh < weight.dim[2]; kh++)
      for (int64_t kw = 0; kw < weight.dim[3]; kw++, dst += kNhwcChannels) {
        const float* tap = first + c * s[1] + kh * s[2] + kw * s[3];
        for (int64_t j = 0; j < kNhwcChannels; j++) dst[j] = tap[j * s[0]];
      }
}

constexpr int64_t kNhwcMinRowPositions = 12;

// Whether the ISA's channels-last tile takes this convolution: stride and dilation 1,
// no padding (the convolution's size the input's less the kernel's, so every tap reads
// inside the input), one group, output channels in whole blocks of 32, output rows of
// at least 12 (no narrower tile was measured against the direct path; a row's last
// tile may overlap the one before it), input rows of unit stride one after another.
bool nhwc_fits(const IsaKernels& isa, const View4<const float>& in, const View4<const float>& weight, int64_t OH,
               int64_t OW, const ConvParams& p) {
  const int64_t* s = in.stride;
  return isa.conv.nhwc != nullptr && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 &&
         p.pad_h == 0 && p.pad_w == 0 && p.groups == 1 && weight.dim[0] % kNhwcChannels == 0 && OW >= kNhwcMinRowPositions &&
         OH + weight.dim[2] - 1 == in.dim[2] && OW + weight.dim[3] - 1 == in.dim[3] && s[3] == 1 &&
         (in.dim[2] == 1 || s[2] == in.dim[3]) && s[0] >= 0 && s[1] >= 0;
}

// The convolution through the channels-last tile: per image and block of 32 output
// channels (shared out over the pool), every output row in tiles of P positions into
// a per-thread [OH, OW, 32] buffer (the weights of the block, 32 x K, stay in L1), then
// pooled from it into out.
void conv_pool_nhwc(const IsaKernels& isa, const View4<const float>& in, const View4<const float>& weight,
                    const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                    const ConvParams& p, int threads) {
  const int64_t N = out.dim[0], O = out.dim[1], C = weight.dim[1], KH = weight.dim[2], KW = weight.dim[3];
  const int64_t K = C * KH * KW, W = in.dim[3], blocks = O / kNhwcChannels;
  // With fewer images than threads each task packs the block it computes (a block is
  // then used by one image); else every block once, before the images are shared out.
  const bool pack_in_tasks = N < threads;
  if (!pack_in_tasks) {
    t_nhwc_weights.resize(size_t(O * K));
    for (int64_t b = 0; b < blocks; b++) pack_nhwc_block(isa, weight, b, t_nhwc_weights.data() + b * K * kNhwcChannels);
  }
  const float* packed = t_nhwc_weights.data();
  const std::vector<float> biases = dense_biases(bias, bias_stride, O);
  std::vector<ptrdiff_t> offsets(static_cast<size_t>(K));
  for (int64_t c = 0, k = 0; c < C; c++)
    for (int64_t kh = 0; kh < KH; kh++)
      for (int64_t kw = 0; kw < KW; kw++, k++) offsets[size_t(k)] = c * in.stride[1] + kh * W + kw;
  const int64_t items = N * blocks, P = nhwc_tile_positions(OW);
  auto run_items = [&](int64_t first, int64_t end) {
    t_convolved.resize(size_t(OH * OW * kNhwcChannels));
    float* convolved = t_convolved.data();
    for (int64_t i = first; i < end; i++) {
      const int64_t n = i / blocks, b = i % blocks;
      const float* image = in.data + n * in.stride[0];
      const float* w = packed + b * K * kNhwcChannels;
      if (pack_in_tasks) {
        t_nhwc_block.resize(size_t(K * kNhwcChannels));
        pack_nhwc_block(isa, weight, b, t_nhwc_block.data());
        w = t_nhwc_block.data();
      }
      for (int64_t oh = 0; oh < OH; oh++) {
        for (int64_t ow = 0; ow < OW; ow += P) {
          const int64_t start = std::min(ow, OW - P);
          isa.conv.nhwc(size_t(P), size_t(KW), size_t(K), w, image + oh * W + start, offsets.data(), biases.data() + b * kNhwcChannels,
                        convolved + (oh * OW + start) * kNhwcChannels, isa.vunary, p.activation);
        }
      }
      isa.conv.maxpool_nhwc(size_t(out.dim[2]), size_t(out.dim[3]), size_t(OW), convolved,
                            out.data + n * out.stride[0] + b * kNhwcChannels * out.stride[1], out.stride[1], out.stride[2],
                            out.stride[3]);
    }
  };
  if (threads == 1) {
    run_items(0, items);
    return;
  }
  const int64_t chunk = (items + threads - 1) / threads;
  thread_pool().run(int((items + chunk - 1) / chunk), [&](int t) { run_items(t * chunk, std::min(items, (t + 1) * chunk)); });
}

}  // namespace

void conv2d_max_pool_2x2_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             const ConvParams& p) {
  const int64_t N = out.dim[0], O = out.dim[1];
  if (N == 0 || O == 0 || out.dim[2] == 0 || out.dim[3] == 0) return;
  const double macs = double(N) * double(O) * double(OH * OW) * double(weight.dim[1] * weight.dim[2] * weight.dim[3]);
  const int threads = macs < kConvParallelMacs ? 1 : usable_threads();
  if (winograd_pool_fits(isa, input, weight, OH, OW, p)) {
    conv_relu_pool_winograd(isa, input, weight, bias, bias_stride, OH, OW, out, p, threads);
    return;
  }
  if (nhwc_fits(isa, input, weight, OH, OW, p)) {
    conv_pool_nhwc(isa, input, weight, bias, bias_stride, OH, OW, out, p, threads);
    return;
  }
  if (N < threads) {
    const View4<float> convolved = convolved_buffer(N, O, OH, OW);
    // On the direct path each part of the channels is pooled by the thread that made it.
    if (direct_conv_fits(isa, weight, convolved, p)) {
      const DirectConv direct(isa, weight, bias, bias_stride, convolved, p);
      const bool split = for_channel_parts(isa, N, O, threads, [&](int64_t n, int64_t o_begin, int64_t o_end) {
        direct.rows(input, n, 0, OH, o_begin, o_end);
        max_pool2d_f32(isa, as_input(channels(convolved, n, o_begin, o_end)), channels(out, n, o_begin, o_end), kWindow2x2, 1, 1);
      });
      if (split) return;
    }
    conv2d_f32(isa, input, weight, bias, bias_stride, convolved, p, threads);
    max_pool2d_f32(isa, as_input(convolved), out, kWindow2x2, 1, 1);
    return;
  }
  const int64_t chunk = (N + threads - 1) / threads;
  auto image_range = [&](int t) {
    for (int64_t n = int64_t(t) * chunk; n < std::min(N, int64_t(t + 1) * chunk); n++) {
      const View4<float> convolved = convolved_buffer(1, O, OH, OW);
      conv2d_f32(isa, images(input, n, 1), weight, bias, bias_stride, convolved, p, 1);
      max_pool2d_f32(isa, as_input(convolved), images(out, n, 1), kWindow2x2, 1, 1);
    }
  };
  if (threads == 1) {
    image_range(0);
    return;
  }
  thread_pool().run(int((N + chunk - 1) / chunk), image_range);
}

}  // namespace tsjit
