// The direct convolution's microkernel over a vector-traits type V (instantiated in
// each ISA's file): MR output channels x NV vectors of "wide" output positions (see
// f32-conv-direct.cc). Tap k of every position is one shifted run of the padded input,
// in + offsets[k], so the kernel reads the input in place where a GEMM would read an
// im2col copy; otherwise it is the SGEMM microkernel's loop (Note [Microkernel tile] in
// f32-gemm/f32-gemm.h): per k, NV loads and MR broadcasts for MR * NV FMAs. The
// finished tile goes through L1 (the activation, then the runs of it that are output
// positions copied out a vector at a time).
#pragma once
#include <cstddef>
#include <cstring>
#include "../kernels.h"

namespace tsjit {
namespace {

// dst[0, n) = from[0, n) in chunks of C floats, the last one overlapping the one
// before it (n >= C).
template <int C>
inline void copy_chunks(const float* from, int64_t n, float* dst) {
  int64_t j = 0;
  for (; j + C <= n; j += C) std::memcpy(dst + j, from + j, C * sizeof(float));
  if (j < n) std::memcpy(dst + n - C, from + n - C, C * sizeof(float));
}

// dst[j * cs] = from[j] for j < n: unit-stride runs a vector (or half, or a quarter of
// one) at a time, so a short run costs a few moves.
template <class V>
inline void store_run(const float* from, int64_t n, float* dst, ptrdiff_t cs) {
  constexpr int64_t W = V::W;
  if (cs == 1 && n >= W && W > 1) {
    int64_t j = 0;
    for (; j + W <= n; j += W) V::store(dst + j, V::load(from + j));
    if (j < n) V::store(dst + n - W, V::load(from + n - W));
  } else if (cs == 1 && n >= 8) {
    copy_chunks<8>(from, n, dst);
  } else if (cs == 1 && n >= 4) {
    copy_chunks<4>(from, n, dst);
  } else {
    for (int64_t j = 0; j < n; j++) dst[j * cs] = from[j];
  }
}

// tile[i][j] = bias[i] + sum over k < K of w[i * rs_w + k] * in[offsets[k] + j], for
// i < MR and j < NR = NV * W (rows past mr repeat row 0's weights); rows i < mr are
// stored as `to` says. The weights are read in place, MR rows at once (as the SGEMM
// microkernel reads a row-major A).
template <class V, int MR, int NV>
inline void conv_tile(size_t mr, size_t K, const float* __restrict w, ptrdiff_t rs_w, const float* __restrict in,
                      const ptrdiff_t* __restrict offsets, const float* __restrict bias, const ConvTileOutput& to) {
  using R = typename V::reg;
  constexpr int W = V::W;
  constexpr int NR = NV * W;
  const float* wr[MR];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++) wr[i] = w + (size_t(i) < mr ? i : 0) * rs_w;
  R acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++) {
    const R b = V::set1(bias[i]);
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) acc[i][j] = b;
  }
#pragma GCC unroll 4
  for (size_t k = 0; k < K; k++) {
    const float* row = in + offsets[k];
    R bv[NV];
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) bv[j] = V::load(row + j * W);
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++) {
      const R av = V::set1(wr[i][k]);
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) acc[i][j] = V::fmadd(av, bv[j], acc[i][j]);
    }
  }
  alignas(64) float tile[MR * NR];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) V::store(tile + i * NR + j * W, acc[i][j]);
  if (to.activation >= 0) {
    const double no_params[2] = {0.0, 0.0};
    to.vunary(to.activation, mr * NR, tile, tile, no_params);
  }
  for (size_t s = 0; s < to.count; s++) {
    const ConvSegment& segment = to.segments[s];
    for (size_t i = 0; i < mr; i++) {
      store_run<V>(tile + i * NR + segment.column, segment.length,
                   to.out + ptrdiff_t(i) * to.rs_out + segment.position * to.cs_out, to.cs_out);
    }
  }
}

}  // namespace
}  // namespace tsjit
