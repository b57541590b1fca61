// AVX-512F kernel of a direct convolution with few taps (a single input channel's 3x3,
// cnn's conv1): one output row of M channels, written in place. The tile kernel
// (f32-conv-tile.h) would spend more on its epilogue (the tile through L1, then copied
// out) than on K = 9 FMAs per position; here each 16 positions' taps are loaded once
// into registers (masked for the rest of a row, so nothing is read past it) and every
// channel's sum goes from registers to its output row.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"

namespace tsjit {
namespace {

// Channels at once: independent FMA chains to cover the FMA latency.
constexpr size_t kChannels = 4;

inline __mmask16 first(size_t n) { return __mmask16((1u << n) - 1u); }

}  // namespace

void tsjit_f32_conv_taps_ukernel__avx512f(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                                          const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out,
                                          VUnaryFn vunary, int activation) {
  using V = VecAvx512;
  for (size_t j = 0; j < n; j += 16) {
    const __mmask16 m = first(n - j < 16 ? n - j : 16);
    __m512 x[kConvMaxTaps];
#pragma GCC unroll 16
    for (size_t k = 0; k < kConvMaxTaps; k++)
      if (k < K) x[k] = _mm512_maskz_loadu_ps(m, in + offsets[k] + j);
    for (size_t i0 = 0; i0 < M; i0 += kChannels) {
      const float* wr[kChannels];
      __m512 acc[kChannels];
#pragma GCC unroll 4
      for (size_t q = 0; q < kChannels; q++) {
        const size_t i = i0 + q < M ? i0 + q : i0;  // past M: a repeat of row i0, not stored
        wr[q] = w + i * rs_w;
        acc[q] = V::set1(bias[i]);
      }
#pragma GCC unroll 16
      for (size_t k = 0; k < kConvMaxTaps; k++) {
        if (k >= K) break;
#pragma GCC unroll 4
        for (size_t q = 0; q < kChannels; q++) acc[q] = V::fmadd(V::set1(wr[q][k]), x[k], acc[q]);
      }
#pragma GCC unroll 4
      for (size_t q = 0; q < kChannels; q++) {
        if (i0 + q >= M) break;
        _mm512_mask_storeu_ps(out + ptrdiff_t(i0 + q) * rs_out + j, m, activation == kRelu ? V::relu(acc[q]) : acc[q]);
      }
    }
  }
  if (activation >= 0 && activation != kRelu) {
    const double no_params[2] = {0.0, 0.0};
    for (size_t i = 0; i < M; i++) vunary(activation, n, out + ptrdiff_t(i) * rs_out, out + ptrdiff_t(i) * rs_out, no_params);
  }
}

}  // namespace tsjit
