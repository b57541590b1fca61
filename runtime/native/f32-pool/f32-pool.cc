#include "f32-pool.h"
#include <algorithm>
#include <cmath>
#include <vector>
#include "../parallel.h"
#include "f32-maxpool-2x2.h"

namespace tsjit {
namespace {

// visit(input plane, output plane) for each of the N * C planes, split over the pool by
// `work_per_plane` (about the elements a plane's loop touches).
template <class F>
void for_each_plane(const View4<const float>& in, const View4<float>& out, int64_t work_per_plane, F&& visit) {
  const int64_t C = in.dim[1];
  split_rows(in.dim[0] * C, work_per_plane, [&](int64_t first, int64_t count) {
    for (int64_t i = first; i < first + count; i++) {
      const int64_t n = i / C, c = i % C;
      visit(in.data + n * in.stride[0] + c * in.stride[1], out.data + n * out.stride[0] + c * out.stride[1]);
    }
  });
}

// The kernel taps [first, end) of output o whose input o * stride - pad + k * dilation
// lies inside [0, size).
struct TapRange {
  int64_t first, end;
};

std::vector<TapRange> tap_ranges(int64_t out_size, int64_t size, int64_t kernel, int64_t stride, int64_t pad,
                                 int64_t dilation) {
  std::vector<TapRange> ranges(static_cast<size_t>(out_size));
  for (int64_t o = 0; o < out_size; o++) {
    const int64_t start = o * stride - pad;
    int64_t first = 0, end = kernel;
    while (first < kernel && start + first * dilation < 0) first++;
    while (end > first && start + (end - 1) * dilation >= size) end--;
    ranges[size_t(o)] = {first, end};
  }
  return ranges;
}

// The common 2x2 stride-2 window over unit-stride rows, every window inside the input:
// planes of unit-stride output rows through the ISA's kernel.
void max_pool_2x2(const IsaKernels& isa, const View4<const float>& in, const View4<float>& out) {
  const int64_t sH = in.stride[2];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  for_each_plane(in, out, OH * OW * 4, [&](const float* plane, float* target) {
    if (oW == 1) {
      isa.maxpool_2x2(size_t(OH), size_t(OW), plane, sH, target, oH);
      return;
    }
    for (int64_t oh = 0; oh < OH; oh++) {
      const float* top = plane + 2 * oh * sH;
      const float* bottom = top + sH;
      float* dst = target + oh * oH;
      for (int64_t ow = 0; ow < OW; ow++) {
        dst[ow * oW] = step_max(step_max(step_max(top[2 * ow], top[2 * ow + 1]), bottom[2 * ow]), bottom[2 * ow + 1]);
      }
    }
  });
}

}  // namespace

void max_pool2d_f32(const IsaKernels& isa, const View4<const float>& in, const View4<float>& out, const PoolWindow& w, int64_t dilation_h,
                    int64_t dilation_w) {
  const int64_t H = in.dim[2], W = in.dim[3], sH = in.stride[2], sW = in.stride[3];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  if (w.kernel_h == 2 && w.kernel_w == 2 && w.stride_h == 2 && w.stride_w == 2 && w.pad_h == 0 && w.pad_w == 0 &&
      dilation_h == 1 && dilation_w == 1 && sW == 1 && 2 * OH <= H && 2 * OW <= W) {
    max_pool_2x2(isa, in, out);
    return;
  }
  const std::vector<TapRange> rows = tap_ranges(OH, H, w.kernel_h, w.stride_h, w.pad_h, dilation_h);
  const std::vector<TapRange> cols = tap_ranges(OW, W, w.kernel_w, w.stride_w, w.pad_w, dilation_w);
  for_each_plane(in, out, OH * OW * w.kernel_h * w.kernel_w, [&](const float* plane, float* target) {
    for (int64_t oh = 0; oh < OH; oh++) {
      const TapRange r = rows[size_t(oh)];
      for (int64_t ow = 0; ow < OW; ow++) {
        const TapRange c = cols[size_t(ow)];
        // Branch-free max; a NaN anywhere in the window wins, as in the JS kernel.
        float best = -INFINITY;
        bool nan = false;
        for (int64_t kh = r.first; kh < r.end; kh++) {
          const float* row = plane + (oh * w.stride_h - w.pad_h + kh * dilation_h) * sH;
          for (int64_t kw = c.first; kw < c.end; kw++) {
            const float v = row[(ow * w.stride_w - w.pad_w + kw * dilation_w) * sW];
            best = v > best ? v : best;
            nan |= v != v;
          }
        }
        target[oh * oH + ow * oW] = nan ? NAN : best;
      }
    }
  });
}

void avg_pool2d_f32(const View4<const float>& in, const View4<float>& out, const PoolWindow& w, bool count_include_pad,
                    int64_t divisor_override) {
  const int64_t H = in.dim[2], W = in.dim[3], sH = in.stride[2], sW = in.stride[3];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  for_each_plane(in, out, OH * OW * w.kernel_h * w.kernel_w, [&](const float* plane, float* target) {
    for (int64_t oh = 0; oh < OH; oh++) {
      // Clipped to the padded input for the count_include_pad divisor, then to the input for the sum.
      int64_t h_start = oh * w.stride_h - w.pad_h;
      int64_t h_end = std::min(h_start + w.kernel_h, H + w.pad_h);
      const int64_t padded_h = h_end - h_start;
      h_start = std::max<int64_t>(h_start, 0);
      h_end = std::min(h_end, H);
      for (int64_t ow = 0; ow < OW; ow++) {
        int64_t w_start = ow * w.stride_w - w.pad_w;
        int64_t w_end = std::min(w_start + w.kernel_w, W + w.pad_w);
        const int64_t padded_w = w_end - w_start;
        w_start = std::max<int64_t>(w_start, 0);
        w_end = std::min(w_end, W);
        float* at = target + oh * oH + ow * oW;
        if (h_start >= h_end || w_start >= w_end) {
          *at = 0.0f;
          continue;
        }
        double sum = 0.0;
        for (int64_t h = h_start; h < h_end; h++) {
          const float* row = plane + h * sH;
          for (int64_t x = w_start; x < w_end; x++) sum += row[x * sW];
        }
        const int64_t divisor = divisor_override != 0 ? divisor_override
                                : count_include_pad ? padded_h * padded_w
                                                    : (h_end - h_start) * (w_end - w_start);
        *at = float(sum / double(divisor));
      }
    }
  });
}

void adaptive_avg_pool2d_f32(const View4<const float>& in, const View4<float>& out) {
  const int64_t H = in.dim[2], W = in.dim[3], sH = in.stride[2], sW = in.stride[3];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  for_each_plane(in, out, std::max(H * W, OH * OW), [&](const float* plane, float* target) {
    for (int64_t oh = 0; oh < OH; oh++) {
      const int64_t h_start = oh * H / OH, h_end = ((oh + 1) * H + OH - 1) / OH;
      for (int64_t ow = 0; ow < OW; ow++) {
        const int64_t w_start = ow * W / OW, w_end = ((ow + 1) * W + OW - 1) / OW;
        double sum = 0.0;
        for (int64_t h = h_start; h < h_end; h++) {
          const float* row = plane + h * sH;
          for (int64_t x = w_start; x < w_end; x++) sum += row[x * sW];
        }
        target[oh * oH + ow * oW] = float(sum / double((h_end - h_start) * (w_end - w_start)));
      }
    }
  });
}

}  // namespace tsjit
