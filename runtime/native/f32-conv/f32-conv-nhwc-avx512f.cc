// AVX-512F channels-last convolution tiles and the 2x2 pooling of their result, for the
// fused conv2d + activation + max_pool2d (f32-conv-maxpool.cc). Each output position
// is 2 vectors of 32 output channels; an input value is broadcast to both. Unlike the
// direct path's tile (f32-conv-tile.h) no position is computed and dropped (cnn's
// conv2: 2 of every 26) and the tile leaves its registers straight for its rows.
// The width of the tile is the caller's, so that it divides an output row evenly.
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#include <algorithm>
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"

namespace tsjit {

namespace {

// out[p * 32 + j] = activation(bias[j] + sum over k < K of w[k * 32 + j] *
// in[offsets[k] + p]) for p < P positions, j < 32 channels, the sum over k in order (as
// the direct path's, so the floats are the same). The taps go RUN at a time, a run
// reading consecutive columns (offsets[k + t] = offsets[k] + t): per run, 2 RUN loads of
// weights and P + RUN - 1 broadcasts of input for 2 P RUN FMAs, each broadcast serving
// every tap of the run that reads it (RUN 3: 14 broadcasts for 72 FMAs at P 12, where
// 1 tap at a time takes 36).
template <int P, int RUN>
void conv_nhwc_tile(size_t K, const float* w, const float* in, const ptrdiff_t* offsets, const float* bias, float* out,
                    VUnaryFn vunary, int activation) {
  static_assert(2 * P + 2 * RUN + 1 <= 32, "the accumulators, the run's weights and a broadcast fit the registers");
  __m512 acc[P][2];
  const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
#pragma GCC unroll 14
  for (int p = 0; p < P; p++) {
    acc[p][0] = b0;
    acc[p][1] = b1;
  }
  for (size_t k = 0; k < K; k += RUN) {
    __m512 wt[RUN][2];
#pragma GCC unroll 3
    for (int t = 0; t < RUN; t++) {
      wt[t][0] = _mm512_loadu_ps(w + (k + t) * 32);
      wt[t][1] = _mm512_loadu_ps(w + (k + t) * 32 + 16);
    }
    const float* row = in + offsets[k];
    // Position p takes tap t from column x = p + t: in x order, so in k order.
#pragma GCC unroll 16
    for (int x = 0; x < P + RUN - 1; x++) {
      const __m512 v = _mm512_set1_ps(row[x]);
#pragma GCC unroll 3
      for (int t = 0; t < RUN; t++) {
        const int p = x - t;
        if (p < 0 || p >= P) continue;
        acc[p][0] = _mm512_fmadd_ps(wt[t][0], v, acc[p][0]);
        acc[p][1] = _mm512_fmadd_ps(wt[t][1], v, acc[p][1]);
      }
    }
  }
#pragma GCC unroll 14
  for (int p = 0; p < P; p++) {
    _mm512_storeu_ps(out + p * 32, activation == kRelu ? VecAvx512::relu(acc[p][0]) : acc[p][0]);
    _mm512_storeu_ps(out + p * 32 + 16, activation == kRelu ? VecAvx512::relu(acc[p][1]) : acc[p][1]);
  }
  if (activation >= 0 && activation != kRelu) {
    const double no_params[2] = {0.0, 0.0};
    vunary(activation, P * 32, out, out, no_params);
  }
}

// Runs of 3 taps (3-wide kernel rows) where the registers hold them (up to 12
// positions), else one tap at a time.
template <int P>
void conv_nhwc_tile_for(size_t row_taps, size_t K, const float* w, const float* in, const ptrdiff_t* offsets,
                        const float* bias, float* out, VUnaryFn vunary, int activation) {
  if constexpr (P <= 12) {
    if (row_taps == 3) return conv_nhwc_tile<P, 3>(K, w, in, offsets, bias, out, vunary, activation);
  }
  conv_nhwc_tile<P, 1>(K, w, in, offsets, bias, out, vunary, activation);
}

}  // namespace

static_assert(kNhwcMinPositions == 8 && kNhwcMaxPositions == 14, "one case below per tile width");

// The tile of `positions` (kNhwcMinPositions to kNhwcMaxPositions) x 32 channels, sized
// by the caller to split an output row into even tiles (a row of 26: 2 x 13, where
// one width of 12 computed 36 positions for 26). The taps come in runs of
// row_taps reading consecutive columns (a kernel row at stride 1 and dilation 1).
void tsjit_f32_conv_nhwc_ukernel_32__avx512f(size_t positions, size_t row_taps, size_t K, const float* w,
                                             const float* in, const ptrdiff_t* offsets, const float* bias, float* out,
                                             VUnaryFn vunary, int activation) {
  switch (positions) {
    case 8: return conv_nhwc_tile_for<8>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 9: return conv_nhwc_tile_for<9>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 10: return conv_nhwc_tile_for<10>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 11: return conv_nhwc_tile_for<11>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 12: return conv_nhwc_tile_for<12>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 13: return conv_nhwc_tile_for<13>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
    case 14: return conv_nhwc_tile_for<14>(row_taps, K, w, in, offsets, bias, out, vunary, activation);
  }
}

namespace {

// r[i] = column i of the 16 x 16 block whose rows are r[0..16): unpack pairs of rows,
// shuffle pairs of pairs, then exchange 128-bit lanes twice.
inline void transpose_16x16(__m512 (&r)[16]) {
  __m512 t[16], u[16];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    u[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  // t: 128-bit lanes 0 and 2 (0x88) or 1 and 3 (0xdd) of two u's, rows 4 apart.
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(u[i], u[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(u[i], u[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(u[i + 8], u[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(u[i + 8], u[i + 12], 0xdd);
  }
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// max_pool2d's step, 16 lanes at once: v replaces best where greater or NaN.
inline __m512 step_max(__m512 best, __m512 v) {
  const __mmask16 take = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  return _mm512_mask_blend_ps(take, best, v);
}

}  // namespace

// dst[k * 32 + j] = w[j * rs_w + k] for j < 32, k < K: 16 x 16 blocks transposed in
// registers, the k past the last whole block one by one.
void tsjit_f32_pack_nhwc32__avx512f(size_t K, const float* w, ptrdiff_t rs_w, float* dst) {
  size_t k0 = 0;
  for (; k0 + 16 <= K; k0 += 16) {
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++) {
      __m512 r[16];
#pragma GCC unroll 16
      for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(w + (16 * h + j) * rs_w + k0);
      transpose_16x16(r);
#pragma GCC unroll 16
      for (int k = 0; k < 16; k++) _mm512_storeu_ps(dst + (k0 + k) * 32 + 16 * h, r[k]);
    }
  }
  for (; k0 < K; k0++)
    for (int j = 0; j < 32; j++) dst[k0 * 32 + j] = w[j * rs_w + k0];
}

// out[j * rs_out + r * oH + c * oW] = max of in's 2x2 window at rows 2r, 2r + 1 and
// columns 2c, 2c + 1, for the 32 channels j of in [H][W][32] (channels last), r < PH,
// c < PW: the JS kernel's order (top row, then bottom; a NaN wins and sticks). Up to 16
// windows of 16 channels at a time are transposed in registers, so each channel's
// windows leave as one (masked) store where out's columns are a run (oW 1); else
// one by one (against 32 scalar stores per window: cnn's conv2 and its pooling at
// batch 32, 1.00x on its 26 x 26 input, 1.03x on a 28 x 28 one).
void tsjit_f32_maxpool_2x2_nhwc32__avx512f(size_t PH, size_t PW, size_t W, const float* in, float* out, ptrdiff_t rs_out,
                                           ptrdiff_t oH, ptrdiff_t oW) {
  alignas(64) float column[16];
  for (size_t r = 0; r < PH; r++) {
    const float* top = in + 2 * r * W * 32;
    const float* bottom = top + W * 32;
    for (size_t c0 = 0; c0 < PW; c0 += 16) {
      const size_t n = std::min<size_t>(16, PW - c0);
      const __mmask16 lanes = __mmask16((1u << n) - 1);
#pragma GCC unroll 2
      for (int h = 0; h < 2; h++) {
        __m512 pooled[16];
#pragma GCC unroll 16
        for (size_t i = 0; i < 16; i++) {
          if (i >= n) {
            pooled[i] = _mm512_setzero_ps();
            continue;
          }
          const size_t at = 2 * (c0 + i) * 32 + h * 16;
          __m512 best = _mm512_loadu_ps(top + at);
          best = step_max(best, _mm512_loadu_ps(top + at + 32));
          best = step_max(best, _mm512_loadu_ps(bottom + at));
          pooled[i] = step_max(best, _mm512_loadu_ps(bottom + at + 32));
        }
        transpose_16x16(pooled);
        float* dst = out + ptrdiff_t(r) * oH + ptrdiff_t(c0) * oW + h * 16 * rs_out;
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) {
          if (oW == 1) {
            _mm512_mask_storeu_ps(dst + j * rs_out, lanes, pooled[j]);
            continue;
          }
          _mm512_store_ps(column, pooled[j]);
          for (size_t i = 0; i < n; i++) dst[j * rs_out + ptrdiff_t(i) * oW] = column[i];
        }
      }
    }
  }
}

}  // namespace tsjit
