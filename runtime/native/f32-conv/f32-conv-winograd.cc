// Winograd F(2x2, 3x3) under conv2d and the fused conv2d + relu + 2x2 max pooling. Per
// image (or part of its output channels, with fewer images than threads) and block of
// tile rows: the input tiles of every channel are transformed (V = B^T d B, 16 values
// per tile), then for each of the 16 values one product U[xi] (output x input channels)
// times V[xi] (input channels x tiles), then each output channel's 4 x 4 products go
// back to a 2x2 tile (A^T M A), through bias (and relu), and either pool to one value
// or are stored as the tile's four outputs. conv2d's tiles read a zero-padded copy of
// the image; the pooled op's read the input in place. The weights are transformed once
// per call (U = G g G^T). A block's tiles are sized so its V and M stay in L2 while one
// V[xi] and the U[xi] rows of a product stay in L1.
#include "f32-conv-winograd.h"
#include <algorithm>
#include <cmath>
#include <vector>
#include "../threadpool.h"

namespace tsjit {
namespace {

constexpr int64_t kValues = 16;     // per 4 x 4 tile: xi = 4 a + q
constexpr int64_t kLanes = 16;      // tiles per vector
constexpr int64_t kGemmRows = 8;    // output channels per product call
// Below this many input or output channels the transforms cost about what the
// multiplies save, or more (docs/native.md).
constexpr int64_t kMinChannels = 16;
// Past this many channel pairs the transformed weights (64 bytes a pair: 1 MiB here)
// no longer stay in L2 beside a block, and each block streams them again (256 -> 256
// channels on 14 x 14: 0.83x the direct path; 128 -> 128 on 28 x 28: 1.34x).
constexpr int64_t kMaxChannelPairs = 128 * 128;

thread_local std::vector<float> t_weights;
thread_local std::vector<float> t_tiles;
thread_local std::vector<float> t_products;

int64_t round_to_lanes(int64_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

// The distance between the 16 values' arrays of `floats` each: one cache line more, so
// that the 16 arrays a transform writes or reads together do not share L1's sets, as
// arrays a multiple of 4 KiB apart do (cnn's conv2: 8, 12 and 24 KiB; the input
// transform, which writes 16 at once, took half as long as the products, and the
// weights' transform as long as 50 images' products).
int64_t xi_stride(int64_t floats) { return floats + kLanes; }

// The transformed weights of output channels [o_begin, o_end), ldu of them per row.
void transform_weights(const WinogradKernels& k, const View4<const float>& weight, int64_t o_begin, int64_t o_end,
                       float* u) {
  const int64_t C = weight.dim[1], ldu = o_end - o_begin;
  const ptrdiff_t strides[4] = {weight.stride[0], weight.stride[1], weight.stride[2], weight.stride[3]};
  k.weights(size_t(C), size_t(ldu), weight.data + o_begin * weight.stride[0], strides, u, ldu, xi_stride(C * ldu));
}

// Tile rows per block: the most tiles up to a budget (V and M at most 512 KiB each, and
// at most 48 tiles) with the least padding to whole vectors, ties to the bigger block
// (pooled rows of 12: blocks of 4 rows, 48 tiles, none padded). In cnn's forward at
// batch 1, after fc1's weights have streamed through L2, blocks of 96 tiles (M 384 KiB)
// were 1.02x the path before Winograd, blocks of 48 1.06-1.14x; batch 32 the same.
int64_t block_rows(int64_t PH, int64_t PW, int64_t C, int64_t O) {
  const int64_t budget = std::clamp<int64_t>(8192 / std::max(C, O), kLanes, 48);
  int64_t best = 1;
  double best_fill = 0.0;
  for (int64_t rows = 1; rows <= PH && (rows == 1 || rows * PW <= budget); rows++) {
    const double fill = double(rows * PW) / double(round_to_lanes(rows * PW));
    if (fill >= best_fill) {
      best = rows;
      best_fill = fill;
    }
  }
  return best;
}

// relu, letting NaN through.
float relu(float x) { return x > 0.0f || x != x ? x : 0.0f; }

// Output (y, x) of channel o of image n, summed directly in (c, kh, kw) order over the
// taps inside the input (padding p), through relu when asked.
float output_directly(const View4<const float>& in, const View4<const float>& weight, float bias, const ConvParams& p,
                      bool with_relu, int64_t n, int64_t o, int64_t y, int64_t x) {
  const int64_t* s = in.stride;
  const int64_t* ws = weight.stride;
  float sum = bias;
  for (int64_t c = 0; c < weight.dim[1]; c++)
    for (int64_t kh = 0; kh < 3; kh++)
      for (int64_t kw = 0; kw < 3; kw++) {
        const int64_t iy = y + kh - p.pad_h, ix = x + kw - p.pad_w;
        if (iy < 0 || iy >= in.dim[2] || ix < 0 || ix >= in.dim[3]) continue;
        sum += weight.data[o * ws[0] + c * ws[1] + kh * ws[2] + kw * ws[3]] * in.data[n * s[0] + c * s[1] + iy * s[2] + ix * s[3]];
      }
  return with_relu ? relu(sum) : sum;
}

// Where an output came out NaN or infinite, an infinity or a value near float's limit
// may have met the transforms, which subtract inputs (inf - inf) and scale them: those
// are computed again directly, so they are what the convolution makes (an infinity
// stays infinite). Pooled: window (i, j) of out, its four outputs through relu, in
// max_pool2d's order (a NaN wins); else output (i, j) itself.
void redo_nonfinite(const View4<const float>& in, const View4<const float>& weight, const float* biases,
                    const ConvParams& p, bool pooled, const View4<float>& out, int64_t n, int64_t o_begin,
                    int64_t o_end, int64_t i_begin, int64_t i_end) {
  const int64_t* s = out.stride;
  for (int64_t o = o_begin; o < o_end; o++)
    for (int64_t i = i_begin; i < i_end; i++)
      for (int64_t j = 0; j < out.dim[3]; j++) {
        float& value = out.data[n * s[0] + o * s[1] + i * s[2] + j * s[3]];
        if (std::isfinite(value)) continue;
        if (!pooled) {
          value = output_directly(in, weight, biases[o], p, p.activation == kRelu, n, o, i, j);
          continue;
        }
        for (int64_t k = 0; k < 4; k++) {
          const float v = output_directly(in, weight, biases[o], p, true, n, o, 2 * i + k / 2, 2 * j + k % 2);
          if (k == 0 || v > value || v != v) value = v;
        }
      }
}

// Where a task's input tiles come from: channel c's row y at image + c * c_stride + y *
// row_stride, rows `width` long with unit column stride, and rows enough for every tile.
struct Source {
  const float* image;
  ptrdiff_t c_stride, row_stride;
  int64_t width;
};

// Output channels [o_begin, o_end) of one image, block by block of tile rows: the
// input tiles transformed, the 16 products, then `finish(i0, rows, m, m_xi)` with the
// block's products (channel r's at m + r * Tp, Tp = the block's tiles rounded up to
// vectors); u holds the transformed weights of channels from u_first on, ldu apart.
template <class Finish>
void multiply_blocks(const WinogradKernels& k, const Source& source, int64_t C, int64_t TH, int64_t TW, int64_t block,
                     int64_t o_begin, int64_t o_end, const float* u, int64_t ldu, int64_t u_first, Finish finish) {
  const int64_t O = o_end - o_begin;
  const int64_t most = round_to_lanes(block * TW);
  // Grown, never shrunk: a smaller last block would otherwise zero its growth back.
  t_tiles.resize(std::max(t_tiles.size(), size_t(kValues * xi_stride(C * most))));
  t_products.resize(std::max(t_products.size(), size_t(kValues * xi_stride(O * most))));
  for (int64_t i0 = 0; i0 < TH; i0 += block) {
    const int64_t rows = std::min(block, TH - i0), T = rows * TW, Tp = round_to_lanes(T);
    const int64_t v_xi = xi_stride(C * Tp), m_xi = xi_stride(O * Tp), u_xi = xi_stride(C * ldu);
    float* v = t_tiles.data();
    float* m = t_products.data();
    // Lanes past the block's tiles are multiplied like the rest; zeros keep them tame.
    for (int64_t xi = 0; xi < kValues; xi++)
      for (int64_t c = 0; c < C; c++) std::fill(v + xi * v_xi + c * Tp + T, v + xi * v_xi + (c + 1) * Tp, 0.0f);
    k.input(size_t(C), size_t(rows), size_t(TW), source.image + 2 * i0 * source.row_stride, source.c_stride,
            source.row_stride, size_t(source.width), v, Tp, v_xi);
    for (int64_t xi = 0; xi < kValues; xi++)
      for (int64_t o = 0; o < O; o += kGemmRows)
        k.gemm(size_t(C), size_t(Tp / kLanes), u + xi * u_xi + (o_begin + o - u_first), ldu, v + xi * v_xi, Tp,
               m + xi * m_xi + o * Tp, Tp);
    finish(i0, rows, m, Tp, m_xi);
  }
}

// The images' output channels in tasks over at most `threads` threads: whole images
// when there are at least as many as threads, else each image's output channels in
// parts of whole product rows, each task transforming the weights of its part (else
// they are transformed once, before). item(n, o_begin, o_end, u, ldu, u_first) runs one.
template <class Item>
void run_tasks(const WinogradKernels& k, const View4<const float>& weight, int64_t N, int threads, Item item) {
  const int64_t O = weight.dim[0], C = weight.dim[1];
  const int64_t wanted_parts = N >= threads ? 1 : std::min<int64_t>(O / kGemmRows, (threads + N - 1) / N);
  const int64_t part = (O / kGemmRows + wanted_parts - 1) / wanted_parts * kGemmRows;
  const int64_t parts = (O + part - 1) / part;
  if (parts == 1) {
    t_weights.resize(size_t(kValues * xi_stride(C * O)));
    transform_weights(k, weight, 0, O, t_weights.data());
  }
  const float* shared_weights = t_weights.data();
  const int64_t items = N * parts;
  auto run_items = [&](int64_t first, int64_t end) {
    for (int64_t i = first; i < end; i++) {
      const int64_t n = i / parts, o_begin = i % parts * part, o_end = std::min(O, o_begin + part);
      if (parts == 1) {
        item(n, 0, O, shared_weights, O, 0);
        continue;
      }
      t_weights.resize(size_t(kValues * xi_stride(C * (o_end - o_begin))));
      transform_weights(k, weight, o_begin, o_end, t_weights.data());
      item(n, o_begin, o_end, t_weights.data(), o_end - o_begin, o_begin);
    }
  };
  if (threads == 1 || items == 1) {
    run_items(0, items);
    return;
  }
  const int64_t chunk = (items + threads - 1) / threads;
  thread_pool().run(int((items + chunk - 1) / chunk), [&](int t) { run_items(t * chunk, std::min(items, (t + 1) * chunk)); });
}

bool winograd_shape(const IsaKernels& isa, const View4<const float>& weight, const ConvParams& p) {
  return isa.conv.winograd != nullptr && weight.dim[2] == 3 && weight.dim[3] == 3 && p.stride_h == 1 &&
         p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.groups == 1 && weight.dim[0] % kGemmRows == 0 &&
         weight.dim[0] >= kMinChannels && weight.dim[1] >= kMinChannels &&
         weight.dim[0] * weight.dim[1] <= kMaxChannelPairs;
}

thread_local std::vector<float> t_padded;

// Image n's channels copied into t_padded with `pad` zero rows and columns before
// them and zeros after, up to rows x width.
Source padded_image(const View4<const float>& in, int64_t n, int64_t pad_h, int64_t pad_w, int64_t rows, int64_t width) {
  const int64_t C = in.dim[1], H = in.dim[2], W = in.dim[3];
  const int64_t* s = in.stride;
  t_padded.assign(size_t(C * rows * width), 0.0f);
  for (int64_t c = 0; c < C; c++)
    for (int64_t y = 0; y < H && y + pad_h < rows; y++) {
      const float* src = in.data + n * s[0] + c * s[1] + y * s[2];
      float* dst = t_padded.data() + (c * rows + y + pad_h) * width + pad_w;
      const int64_t count = std::min(W, width - pad_w);
      if (s[3] == 1) {
        std::copy(src, src + count, dst);
        continue;
      }
      for (int64_t x = 0; x < count; x++) dst[x] = src[x * s[3]];
    }
  return {t_padded.data(), rows * width, width, width};
}

}  // namespace

bool winograd_pool_fits(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                        int64_t OH, int64_t OW, const ConvParams& p) {
  return winograd_shape(isa, weight, p) && p.activation == kRelu && p.pad_h == 0 && p.pad_w == 0 &&
         input.stride[3] == 1 && OH + 2 == input.dim[2] && OW + 2 == input.dim[3];
}

void conv_relu_pool_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             const ConvParams& p, int threads) {
  const WinogradKernels& k = *isa.conv.winograd;
  const int64_t C = weight.dim[1], PH = OH / 2, PW = OW / 2;
  const std::vector<float> biases = dense_biases(bias, bias_stride, out.dim[1]);
  run_tasks(k, weight, out.dim[0], threads, [&](int64_t n, int64_t o_begin, int64_t o_end, const float* u, int64_t ldu, int64_t u_first) {
    const Source source{input.data + n * input.stride[0], input.stride[1], input.stride[2], input.dim[3]};
    float* pooled = out.data + n * out.stride[0] + o_begin * out.stride[1];
    const int64_t block = block_rows(PH, PW, C, o_end - o_begin);
    multiply_blocks(k, source, C, PH, PW, block, o_begin, o_end, u, ldu, u_first,
                    [&](int64_t i0, int64_t rows, const float* m, int64_t Tp, int64_t m_xi) {
                      if (k.output_pooled(size_t(o_end - o_begin), size_t(rows * PW), size_t(PW), m, Tp, m_xi,
                                          biases.data() + o_begin, pooled + i0 * out.stride[2], out.stride[1],
                                          out.stride[2], out.stride[3]))
                        redo_nonfinite(input, weight, biases.data(), p, true, out, n, o_begin, o_end, i0, i0 + rows);
                    });
  });
}

bool winograd_conv_fits(const IsaKernels& isa, const View4<const float>& weight, const View4<float>& out,
                        const ConvParams& p) {
  return winograd_shape(isa, weight, p) && (p.activation < 0 || p.activation == kRelu) && p.pad_h <= 1 &&
         p.pad_w <= 1 && out.stride[3] == 1 && out.dim[2] >= 2 && out.dim[3] >= 2;
}

void conv_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                   const float* bias, ptrdiff_t bias_stride, const View4<float>& out, const ConvParams& p, int threads) {
  const WinogradKernels& k = *isa.conv.winograd;
  const int64_t C = weight.dim[1], OH = out.dim[2], OW = out.dim[3];
  const int64_t TH = (OH + 1) / 2, TW = (OW + 1) / 2;
  const std::vector<float> biases = dense_biases(bias, bias_stride, out.dim[1]);
  run_tasks(k, weight, out.dim[0], threads, [&](int64_t n, int64_t o_begin, int64_t o_end, const float* u, int64_t ldu, int64_t u_first) {
    // Every tile reads 4 x 4 inputs: the image padded, and past an odd last row or
    // column, with zeros.
    const Source source = padded_image(input, n, p.pad_h, p.pad_w, 2 * TH + 2, 2 * TW + 2);
    float* first = out.data + n * out.stride[0] + o_begin * out.stride[1];
    const int64_t block = block_rows(TH, TW, C, o_end - o_begin);
    multiply_blocks(k, source, C, TH, TW, block, o_begin, o_end, u, ldu, u_first,
                    [&](int64_t i0, int64_t rows, const float* m, int64_t Tp, int64_t m_xi) {
                      const int64_t out_rows = std::min(2 * rows, OH - 2 * i0);
                      if (k.output_tiles(size_t(o_end - o_begin), size_t(rows), size_t(TW), size_t(out_rows), size_t(OW),
                                         m, Tp, m_xi, biases.data() + o_begin, p.activation == kRelu,
                                         first + 2 * i0 * out.stride[2], out.stride[1], out.stride[2]))
                        redo_nonfinite(input, weight, biases.data(), p, false, out, n, o_begin, o_end, 2 * i0,
                                       2 * i0 + out_rows);
                    });
  });
}

}  // namespace tsjit
