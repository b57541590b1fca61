// conv2d as im2col + SGEMM (runtime/kernels/js/conv.ts is the reference): for each
// image and group the input patches become the columns of a [C/groups * KH * KW,
// OH * OW] matrix that the group's weights multiply straight into the output, the bias
// added in the GEMM's epilogue. A stride-1 convolution with a kernel larger than 1x1
// takes the direct path instead (f32-conv-direct.cc: the same product, its B read as
// shifted runs of the padded input rather than copied out). A 1x1 stride-1 unpadded
// convolution reads the input in place as that matrix; a depthwise convolution (one
// input channel per group) runs a direct loop, since its GEMM would have a single row.
#include "f32-conv.h"
#include "f32-conv-direct.h"
#include "f32-conv-weights.h"
#include "f32-conv-winograd.h"
#include <algorithm>
#include <optional>
#include <vector>
#include "../parallel.h"
#include "../sgemm.h"
#include "../threadpool.h"

namespace tsjit {
namespace {

// Per-thread scratch, grown on demand and kept across calls.
thread_local std::vector<float> t_columns;
thread_local std::vector<float> t_row;
thread_local std::vector<const float*> t_tap_rows;
thread_local std::vector<float> t_tap_weights;

int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

// For each kernel offset k, the outputs [start[k], end[k]) whose input index
// o * stride + k * dilation - pad lies inside [0, size).
struct ValidRanges {
  std::vector<int64_t> start, end;
  ValidRanges(int64_t kernel, int64_t size, int64_t out_size, int64_t stride, int64_t dilation, int64_t pad)
      : start(size_t(kernel)), end(size_t(kernel)) {
    for (int64_t k = 0; k < kernel; k++) {
      const int64_t shift = k * dilation - pad;
      start[k] = std::min(out_size, std::max<int64_t>(0, ceil_div(-shift, stride)));
      end[k] = std::max(start[k], std::min(out_size, ceil_div(size - shift, stride)));
    }
  }
};


// For the output rows [oh0, oh0 + rows): patch element (c, kh, kw) of output (oh, ow)
// goes to columns[((c*KH + kh)*KW + kw) * rows*OW + (oh - oh0)*OW + ow].
void im2col(const float* channels, int64_t Cg, const View4<const float>& in, int64_t KH, int64_t KW, int64_t oh0,
            int64_t rows, int64_t OW, const ConvParams& p, const ValidRanges& valid, float* columns) {
  const int64_t H = in.dim[2], sC = in.stride[1], sH = in.stride[2], sW = in.stride[3];
  const int64_t step = p.stride_w * sW;
  float* d = columns;
  for (int64_t c = 0; c < Cg; c++) {
    for (int64_t kh = 0; kh < KH; kh++) {
      for (int64_t kw = 0; kw < KW; kw++) {
        const int64_t ow_start = valid.start[kw], ow_end = valid.end[kw];
        const int64_t shift = kw * p.dilation_w - p.pad_w;
        for (int64_t oh = oh0; oh < oh0 + rows; oh++, d += OW) {
          const int64_t ih = oh * p.stride_h + kh * p.dilation_h - p.pad_h;
          if (ih < 0 || ih >= H) {
            std::fill(d, d + OW, 0.0f);
            continue;
          }
          std::fill(d, d + ow_start, 0.0f);
          const float* s = channels + c * sC + ih * sH + (ow_start * p.stride_w + shift) * sW;
          if (step == 1) {
            std::copy(s, s + (ow_end - ow_start), d + ow_start);
          } else {
            for (int64_t ow = ow_start; ow < ow_end; ow++, s += step) d[ow] = *s;
          }
          std::fill(d + ow_end, d + OW, 0.0f);
        }
      }
    }
  }
}

// Output rows [oh0, oh0 + rows) of image n: in every channel one run of rows * OW
// floats, out.stride[3] apart.
struct RowBlock {
  int64_t n, oh0, rows;
};

void fill_bias(float* first, int64_t O, int64_t cols, ptrdiff_t oC, ptrdiff_t oW, const float* bias, ptrdiff_t bias_stride) {
  for (int64_t o = 0; o < O; o++) {
    float* run = first + o * oC;
    const float v = bias[o * bias_stride];
    for (int64_t i = 0; i < cols; i++) run[i * oW] = v;
  }
}

// The im2col + SGEMM convolution of one block of output rows, every group.
void conv_rows(const IsaKernels& isa, const View4<const float>& in, const Matrix& w, int64_t Cg, int64_t KH, int64_t KW,
               const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p,
               const ValidRanges& valid, const RowBlock& block) {
  const int64_t O = out.dim[1], OW = out.dim[3];
  const int64_t G = p.groups, Og = O / G, depth = Cg * KH * KW, cols = block.rows * OW;
  const ptrdiff_t oC = out.stride[1], oW = out.stride[3];
  const bool in_place = KH == 1 && KW == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0 &&
                        (in.dim[2] == 1 || in.stride[2] == in.dim[3] * in.stride[3]);
  if (!in_place) t_columns.resize(size_t(depth * cols));
  float* first = out.data + block.n * out.stride[0] + block.oh0 * OW * oW;
  // A contiguous bias goes into the GEMM's epilogue (per output channel: a row of C);
  // any other is written first and the products accumulate onto it.
  const bool bias_in_epilogue = bias != nullptr && bias_stride == 1;
  if (bias != nullptr && !bias_in_epilogue) fill_bias(first, O, cols, oC, oW, bias, bias_stride);
  const float beta = bias != nullptr && !bias_in_epilogue ? 1.0f : 0.0f;
  for (int64_t g = 0; g < G; g++) {
    const float* channels = in.data + block.n * in.stride[0] + g * Cg * in.stride[1];
    Matrix patches{channels + block.oh0 * in.stride[2], in.stride[1], in.stride[3]};
    if (!in_place) {
      im2col(channels, Cg, in, KH, KW, block.oh0, block.rows, OW, p, valid, t_columns.data());
      patches = {t_columns.data(), cols, 1};
    }
    const float* weights = w.data + g * Og * w.rs;
    float* target = first + g * Og * oC;
    sgemm_fused(isa, size_t(Og), size_t(cols), size_t(depth), weights, w.rs, w.cs, patches.data, patches.rs, patches.cs,
                beta, target, oC, oW, nullptr, bias_in_epilogue ? bias + g * Og : nullptr, p.activation);
  }
}

// One output plane of a depthwise convolution: out[n, o] = bias[o] + input[n, o / multiplier]
// correlated with weight[o, 0]. Rows are accumulated in a float buffer; the columns
// every tap covers go through the ISA's row kernel when the input row is read with
// unit step.
void depthwise_plane(const IsaKernels& isa, const float* plane, const View4<const float>& in, const float* filter,
                     const View4<const float>& w, float bias, float* target, const View4<float>& out,
                     const ConvParams& p, const ValidRanges& valid) {
  const int64_t H = in.dim[2], sH = in.stride[2], sW = in.stride[3];
  const int64_t KH = w.dim[2], KW = w.dim[3], w2 = w.stride[2], w3 = w.stride[3];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  const int64_t step = p.stride_w * sW;
  const int64_t lo = *std::max_element(valid.start.begin(), valid.start.end());
  const int64_t hi = *std::min_element(valid.end.begin(), valid.end.end());
  const bool vector_middle = step == 1 && lo < hi;
  float* acc = t_row.data();
  const float** tap_rows = t_tap_rows.data();
  float* tap_weights = t_tap_weights.data();
  for (int64_t oh = 0; oh < OH; oh++) {
    std::fill(acc, acc + OW, bias);
    size_t taps = 0;
    for (int64_t kh = 0; kh < KH; kh++) {
      const int64_t ih = oh * p.stride_h + kh * p.dilation_h - p.pad_h;
      if (ih < 0 || ih >= H) continue;
      const float* row = plane + ih * sH;
      for (int64_t kw = 0; kw < KW; kw++) {
        const float scale = filter[kh * w2 + kw * w3];
        const int64_t shift = kw * p.dilation_w - p.pad_w;
        const int64_t start = valid.start[kw], end = valid.end[kw];
        auto accumulate = [&](int64_t from, int64_t to) {
          const float* s = row + (from * p.stride_w + shift) * sW;
          for (int64_t ow = from; ow < to; ow++, s += step) acc[ow] += scale * *s;
        };
        if (vector_middle) {
          accumulate(start, lo);
          accumulate(hi, end);
          tap_rows[taps] = row + (lo * p.stride_w + shift);
          tap_weights[taps++] = scale;
        } else {
          accumulate(start, end);
        }
      }
    }
    if (taps > 0) isa.dwconv_row(size_t(hi - lo), taps, tap_rows, tap_weights, acc + lo);
    float* dst = target + oh * oH;
    for (int64_t ow = 0; ow < OW; ow++) dst[ow * oW] = acc[ow];
  }
}

// The same plane when the convolution is stride-1 and unpadded over contiguous input
// rows: output (oh, ow) sits at oh * W + ow of a "wide" plane whose rows are input
// rows, so every tap is one shifted run of the input and the whole plane is a single
// row-kernel call; the wide plane's columns past OW are computed and dropped.
void depthwise_wide_plane(const IsaKernels& isa, const float* plane, const View4<const float>& in, const float* filter,
                          const View4<const float>& w, float bias, float* target, const View4<float>& out,
                          const ConvParams& p) {
  const int64_t W = in.dim[3], KH = w.dim[2], KW = w.dim[3];
  const int64_t OH = out.dim[2], OW = out.dim[3], oH = out.stride[2], oW = out.stride[3];
  const int64_t n = (OH - 1) * W + OW;
  float* acc = t_row.data();
  std::fill(acc, acc + n, bias);
  size_t taps = 0;
  for (int64_t kh = 0; kh < KH; kh++) {
    for (int64_t kw = 0; kw < KW; kw++) {
      t_tap_rows[taps] = plane + kh * p.dilation_h * W + kw * p.dilation_w;
      t_tap_weights[taps++] = filter[kh * w.stride[2] + kw * w.stride[3]];
    }
  }
  isa.dwconv_row(size_t(n), taps, t_tap_rows.data(), t_tap_weights.data(), acc);
  for (int64_t oh = 0; oh < OH; oh++) {
    float* dst = target + oh * oH;
    const float* src = acc + oh * W;
    for (int64_t ow = 0; ow < OW; ow++) dst[ow * oW] = src[ow];
  }
}

// Stride 1, no padding on either side, unit-stride rows one after another.
bool wide_planes(const View4<const float>& in, const View4<const float>& w, const View4<float>& out, const ConvParams& p) {
  return p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0 &&
         out.dim[2] == in.dim[2] - p.dilation_h * (w.dim[2] - 1) && out.dim[3] == in.dim[3] - p.dilation_w * (w.dim[3] - 1) &&
         in.stride[3] == 1 && (in.dim[2] == 1 || in.stride[2] == in.dim[3]);
}

void depthwise(const IsaKernels& isa, const View4<const float>& in, const View4<const float>& w, const float* bias,
               ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p, int threads) {
  const int64_t C = in.dim[1], O = out.dim[1], multiplier = O / C;
  const int64_t planes = out.dim[0] * O;
  const bool wide = wide_planes(in, w, out, p);
  const ValidRanges valid(w.dim[3], in.dim[3], out.dim[3], p.stride_w, p.dilation_w, p.pad_w);
  const int64_t row_length = wide ? (out.dim[2] - 1) * in.dim[3] + out.dim[3] : out.dim[3];
  const int64_t plane_macs = out.dim[2] * out.dim[3] * w.dim[2] * w.dim[3];
  auto planes_from = [&](int64_t first, int64_t count) {
    t_row.resize(size_t(row_length));
    t_tap_rows.resize(size_t(w.dim[2] * w.dim[3]));
    t_tap_weights.resize(size_t(w.dim[2] * w.dim[3]));
    for (int64_t i = first; i < first + count; i++) {
      const int64_t n = i / O, o = i % O;
      const float* plane = in.data + n * in.stride[0] + (o / multiplier) * in.stride[1];
      const float* filter = w.data + o * w.stride[0];
      float* target = out.data + n * out.stride[0] + o * out.stride[1];
      const float b = bias ? bias[o * bias_stride] : 0.0f;
      if (wide) {
        depthwise_wide_plane(isa, plane, in, filter, w, b, target, out, p);
      } else {
        depthwise_plane(isa, plane, in, filter, w, b, target, out, p, valid);
      }
      // The plane is one contiguous run (out.stride[3] is 1 with an activation), still in cache.
      if (p.activation >= 0) {
        const double no_params[2] = {0.0, 0.0};
        isa.vunary(p.activation, size_t(out.dim[2] * out.dim[3]), target, target, no_params);
      }
    }
  };
  if (threads == 1 || double(planes) * double(plane_macs) < kConvParallelMacs) {
    planes_from(0, planes);
  } else {
    split_rows(planes, plane_macs, planes_from);
  }
}

}  // namespace

Matrix weight_matrix(const View4<const float>& w, std::vector<float>& copy, bool unit_columns) {
  const int64_t O = w.dim[0], Cg = w.dim[1], KH = w.dim[2], KW = w.dim[3];
  const int64_t* s = w.stride;
  const bool merges = (KH == 1 || s[2] == KW * s[3]) && (Cg == 1 || s[1] == KH * KW * s[3]) && (!unit_columns || s[3] == 1);
  if (merges) return {w.data, s[0], s[3]};
  const int64_t depth = Cg * KH * KW;
  copy.resize(size_t(O * depth));
  float* d = copy.data();
  for (int64_t o = 0; o < O; o++)
    for (int64_t c = 0; c < Cg; c++)
      for (int64_t kh = 0; kh < KH; kh++)
        for (int64_t kw = 0; kw < KW; kw++) *d++ = w.data[o * s[0] + c * s[1] + kh * s[2] + kw * s[3]];
  return {copy.data(), depth, 1};
}

void conv2d_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p) {
  conv2d_f32(isa, input, weight, bias, bias_stride, out, p, usable_threads());
}

void conv2d_f32(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p, int threads) {
  const int64_t N = out.dim[0], O = out.dim[1], OH = out.dim[2], OW = out.dim[3];
  const int64_t Cg = weight.dim[1], KH = weight.dim[2], KW = weight.dim[3];
  if (N == 0 || O == 0 || OH == 0 || OW == 0) return;
  // One input channel per group: a direct loop.
  if (Cg == 1 && p.groups > 1) {
    depthwise(isa, input, weight, bias, bias_stride, out, p, threads);
    return;
  }
  const double macs = double(N) * double(O) * double(OH * OW) * double(Cg * KH * KW);
  if (winograd_conv_fits(isa, weight, out, p)) {
    conv_winograd(isa, input, weight, bias, bias_stride, out, p, macs < kConvParallelMacs ? 1 : threads);
    return;
  }
  std::optional<DirectConv> direct;
  std::vector<float> weight_copy;
  Matrix w{};
  if (direct_conv_fits(isa, weight, out, p)) {
    direct.emplace(isa, weight, bias, bias_stride, out, p);
  } else {
    w = weight_matrix(weight, weight_copy, false);
  }
  const ValidRanges valid(KW, input.dim[3], OW, p.stride_w, p.dilation_w, p.pad_w);
  auto rows_of = [&](int64_t n, int64_t oh0, int64_t rows) {
    if (direct) {
      direct->rows(input, n, oh0, rows, 0, O);
    } else {
      conv_rows(isa, input, w, Cg, KH, KW, bias, bias_stride, out, p, valid, {n, oh0, rows});
    }
  };
  if (threads == 1 || macs < kConvParallelMacs) {
    for (int64_t n = 0; n < N; n++) rows_of(n, 0, OH);
    return;
  }
  if (direct && N < threads &&
      for_channel_parts(isa, N, O, threads, [&](int64_t n, int64_t o_begin, int64_t o_end) { direct->rows(input, n, 0, OH, o_begin, o_end); })) {
    return;
  }
  // Whole images per thread when there are enough of them, else each image's output
  // rows in blocks; every task im2cols (or pads) into its own buffer, and the SGEMMs
  // inside run on their task's thread (the pool is busy with this job).
  const int64_t blocks_per_image = std::min(OH, (threads + N - 1) / N);
  const int64_t block_rows = (OH + blocks_per_image - 1) / blocks_per_image;
  const int64_t blocks = (OH + block_rows - 1) / block_rows;
  const int64_t items = N * blocks;
  const int64_t chunk = (items + threads - 1) / threads;
  thread_pool().run(int((items + chunk - 1) / chunk), [&](int t) {
    for (int64_t i = int64_t(t) * chunk; i < std::min(items, int64_t(t + 1) * chunk); i++) {
      const int64_t oh0 = (i % blocks) * block_rows;
      rows_of(i / blocks, oh0, std::min(block_rows, OH - oh0));
    }
  });
}

}  // namespace tsjit
