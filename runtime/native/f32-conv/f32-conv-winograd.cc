// Winograd F(2x2, 3x3) under the fused conv2d + relu + 2x2 max pooling. Per image (or
// part of its output channels, with fewer images than threads) and block of tile rows:
// the input tiles of every channel are transformed (V = B^T d B, 16 values per tile),
// then for each of the 16 values one product U[xi] (output x input channels) times
// V[xi] (input channels x tiles), then each output channel's 4 x 4 products go back to
// a 2x2 tile (A^T M A), through bias and relu, and pool to one value. The weights are
// transformed once per call (U = G g G^T). A block's tiles are sized so its V and M
// stay in L2 while one V[xi] and the U[xi] rows of a product stay in L1.
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
void transform_weights(const WinogradPoolKernels& k, const View4<const float>& weight, int64_t o_begin, int64_t o_end,
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

// The pooled value of window (i, j) of output channel o of image n, the convolution
// summed directly in (c, kh, kw) order.
float pool_window_directly(const View4<const float>& in, const View4<const float>& weight, float bias, int64_t n,
                           int64_t o, int64_t i, int64_t j) {
  const int64_t* s = in.stride;
  const int64_t* ws = weight.stride;
  float best = 0.0f;
  for (int64_t y = 2 * i; y < 2 * i + 2; y++) {
    for (int64_t x = 2 * j; x < 2 * j + 2; x++) {
      float sum = bias;
      for (int64_t c = 0; c < weight.dim[1]; c++)
        for (int64_t kh = 0; kh < 3; kh++)
          for (int64_t kw = 0; kw < 3; kw++)
            sum += weight.data[o * ws[0] + c * ws[1] + kh * ws[2] + kw * ws[3]] *
                   in.data[n * s[0] + c * s[1] + (y + kh) * s[2] + (x + kw) * s[3]];
      const float value = relu(sum);
      if ((y == 2 * i && x == 2 * j) || value > best || value != value) best = value;
    }
  }
  return best;
}

// Where a window came out NaN or infinite, an infinity or a value near float's limit
// may have met the transforms, which subtract inputs (inf - inf) and scale them:
// those windows are computed again directly, so they are what the convolution makes
// (an infinity stays infinite), for the pooled rows [i_begin, i_end) of channels
// [o_begin, o_end) of image n.
void redo_nonfinite_windows(const View4<const float>& in, const View4<const float>& weight, const float* biases,
                            const View4<float>& out, int64_t n, int64_t o_begin, int64_t o_end, int64_t i_begin,
                            int64_t i_end) {
  const int64_t* s = out.stride;
  for (int64_t o = o_begin; o < o_end; o++)
    for (int64_t i = i_begin; i < i_end; i++)
      for (int64_t j = 0; j < out.dim[3]; j++) {
        float& pooled = out.data[n * s[0] + o * s[1] + i * s[2] + j * s[3]];
        if (!std::isfinite(pooled)) pooled = pool_window_directly(in, weight, biases[o], n, o, i, j);
      }
}

struct Geometry {
  int64_t C, W, PH, PW, rows;
};

// Pools output channels [o_begin, o_end) of image n; u holds their transformed
// weights (transform_weights) from channel u_first on, ldu apart.
void pool_channels(const WinogradPoolKernels& k, const View4<const float>& in, const View4<const float>& weight,
                   const Geometry& g, int64_t n, int64_t o_begin, int64_t o_end, const float* u, int64_t ldu,
                   int64_t u_first, const float* biases, const View4<float>& out) {
  const int64_t C = g.C, O = o_end - o_begin;
  const float* image = in.data + n * in.stride[0];
  float* pooled = out.data + n * out.stride[0] + o_begin * out.stride[1];
  const int64_t most = round_to_lanes(g.rows * g.PW);
  std::vector<float>& tiles = t_tiles;
  std::vector<float>& products = t_products;
  // Grown, never shrunk: a smaller last block would otherwise zero its growth back.
  tiles.resize(std::max(tiles.size(), size_t(kValues * xi_stride(C * most))));
  products.resize(std::max(products.size(), size_t(kValues * xi_stride(O * most))));
  for (int64_t i0 = 0; i0 < g.PH; i0 += g.rows) {
    const int64_t rows = std::min(g.rows, g.PH - i0), T = rows * g.PW, Tp = round_to_lanes(T);
    const int64_t v_xi = xi_stride(C * Tp), m_xi = xi_stride(O * Tp), u_xi = xi_stride(C * ldu);
    float* v = tiles.data();
    float* m = products.data();
    // Lanes past the block's tiles are multiplied like the rest; zeros keep them tame.
    for (int64_t xi = 0; xi < kValues; xi++)
      for (int64_t c = 0; c < C; c++) std::fill(v + xi * v_xi + c * Tp + T, v + xi * v_xi + (c + 1) * Tp, 0.0f);
    k.input(size_t(C), size_t(rows), size_t(g.PW), image + 2 * i0 * in.stride[2], in.stride[1], in.stride[2],
            size_t(g.W), v, Tp, v_xi);
    for (int64_t xi = 0; xi < kValues; xi++)
      for (int64_t o = 0; o < O; o += kGemmRows)
        k.gemm(size_t(C), size_t(Tp / kLanes), u + xi * u_xi + (o_begin + o - u_first), ldu, v + xi * v_xi, Tp,
               m + xi * m_xi + o * Tp, Tp);
    if (k.output(size_t(O), size_t(T), size_t(g.PW), m, Tp, m_xi, biases + o_begin, pooled + i0 * out.stride[2],
                 out.stride[1], out.stride[2], out.stride[3]))
      redo_nonfinite_windows(in, weight, biases, out, n, o_begin, o_end, i0, i0 + rows);
  }
}

}  // namespace

bool winograd_pool_fits(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                        int64_t OH, int64_t OW, const ConvParams& p) {
  return isa.conv.winograd != nullptr && p.activation == kRelu && weight.dim[2] == 3 && weight.dim[3] == 3 &&
         p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.pad_h == 0 &&
         p.pad_w == 0 && p.groups == 1 && weight.dim[0] % kGemmRows == 0 && weight.dim[0] >= kMinChannels &&
         weight.dim[1] >= kMinChannels && input.stride[3] == 1 && OH + 2 == input.dim[2] && OW + 2 == input.dim[3];
}

void conv_relu_pool_winograd(const IsaKernels& isa, const View4<const float>& input, const View4<const float>& weight,
                             const float* bias, ptrdiff_t bias_stride, int64_t OH, int64_t OW, const View4<float>& out,
                             int threads) {
  const WinogradPoolKernels& k = *isa.conv.winograd;
  const int64_t N = out.dim[0], O = out.dim[1], C = weight.dim[1];
  // With fewer images than threads, each image's output channels are split in parts
  // of whole product rows, and each task transforms the weights of its part.
  const int64_t wanted_parts = N >= threads ? 1 : std::min<int64_t>(O / kGemmRows, (threads + N - 1) / N);
  const int64_t part = (O / kGemmRows + wanted_parts - 1) / wanted_parts * kGemmRows;
  const int64_t parts = (O + part - 1) / part;
  const Geometry g{C, input.dim[3], OH / 2, OW / 2, block_rows(OH / 2, OW / 2, C, part)};
  std::vector<float> biases(size_t(O), 0.0f);
  if (bias != nullptr)
    for (int64_t o = 0; o < O; o++) biases[size_t(o)] = bias[o * bias_stride];
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
        pool_channels(k, input, weight, g, n, 0, O, shared_weights, O, 0, biases.data(), out);
        continue;
      }
      t_weights.resize(size_t(kValues * xi_stride(C * (o_end - o_begin))));
      transform_weights(k, weight, o_begin, o_end, t_weights.data());
      pool_channels(k, input, weight, g, n, o_begin, o_end, t_weights.data(), o_end - o_begin, o_begin, biases.data(), out);
    }
  };
  if (threads == 1 || items == 1) {
    run_items(0, items);
    return;
  }
  const int64_t chunk = (items + threads - 1) / threads;
  thread_pool().run(int((items + chunk - 1) / chunk), [&](int t) { run_items(t * chunk, std::min(items, (t + 1) * chunk)); });
}

}  // namespace tsjit
