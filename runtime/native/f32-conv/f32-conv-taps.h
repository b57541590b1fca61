// The direct convolution's few-taps kernel over a vector-traits type V and its masked
// loads and stores `Masked` (instantiated in each ISA's file that has them): one output
// row of M channels, written in place. The tile kernel (f32-conv-tile.h) would spend
// more on its epilogue (the tile through L1, then copied out) than on K = 9 FMAs per
// position; here each vector of positions loads its taps once into registers (masked
// for the rest of a row, so nothing is read past it) and every channel's sum goes from
// registers to its output row.
#pragma once
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
namespace {

// Channels at once: independent FMA chains to cover the FMA latency.
constexpr size_t kTapsChannels = 4;

// out[i * rs_out + j] = activation(bias[i] + sum over k < K of w[i * rs_w + k] *
// in[offsets[k] + j]) for i < M, j < n; K <= kConvMaxTaps (ConvTapsFn in kernels.h).
template <class V, class Masked>
inline void conv_taps(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                      const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out, VUnaryFn vunary,
                      int activation) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  for (size_t j = 0; j < n; j += W) {
    const auto m = Masked::first(n - j < W ? n - j : W);
    R x[kConvMaxTaps];
#pragma GCC unroll 16
    for (size_t k = 0; k < kConvMaxTaps; k++)
      if (k < K) x[k] = Masked::load(m, in + offsets[k] + j);
    for (size_t i0 = 0; i0 < M; i0 += kTapsChannels) {
      const float* wr[kTapsChannels];
      R acc[kTapsChannels];
#pragma GCC unroll 4
      for (size_t q = 0; q < kTapsChannels; q++) {
        const size_t i = i0 + q < M ? i0 + q : i0;  // past M: a repeat of row i0, not stored
        wr[q] = w + i * rs_w;
        acc[q] = V::set1(bias[i]);
      }
#pragma GCC unroll 16
      for (size_t k = 0; k < kConvMaxTaps; k++) {
        if (k >= K) break;
#pragma GCC unroll 4
        for (size_t q = 0; q < kTapsChannels; q++) acc[q] = V::fmadd(V::set1(wr[q][k]), x[k], acc[q]);
      }
#pragma GCC unroll 4
      for (size_t q = 0; q < kTapsChannels; q++) {
        if (i0 + q >= M) break;
        Masked::store(m, out + ptrdiff_t(i0 + q) * rs_out + j, activation == kRelu ? V::relu(acc[q]) : acc[q]);
      }
    }
  }
  if (activation >= 0 && activation != kRelu) {
    const double no_params[2] = {0.0, 0.0};
    for (size_t i = 0; i < M; i++) vunary(activation, n, out + ptrdiff_t(i) * rs_out, out + ptrdiff_t(i) * rs_out, no_params);
  }
}

}  // namespace
}  // namespace tsjit
