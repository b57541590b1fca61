// Each image's convolution is written to a per-thread [O, OH, OW] buffer (cnn's conv2:
// 147 KB, in L2) and pooled from there into out. With at least as many images as
// threads, the images are shared out whole and each task convolves on its own thread;
// with fewer, on the direct path, each task computes and pools a part of an image's
// output channels (as conv2d_f32 splits them), else the images' convolutions split
// over the pool as conv2d_f32 splits them, into one buffer for all, then the pooling.
#include "f32-conv-maxpool.h"
#include <algorithm>
#include "f32-conv-direct.h"
#include <vector>
#include "../f32-pool/f32-pool.h"
#include "../threadpool.h"

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

}  // namespace

void conv2d_max_pool_2x2_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             const ConvParams& p) {
  const int64_t N = out.dim[0], O = out.dim[1];
  if (N == 0 || O == 0 || out.dim[2] == 0 || out.dim[3] == 0) return;
  const double macs = double(N) * double(O) * double(OH * OW) * double(weight.dim[1] * weight.dim[2] * weight.dim[3]);
  const int threads = macs < kConvParallelMacs ? 1 : usable_threads();
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
