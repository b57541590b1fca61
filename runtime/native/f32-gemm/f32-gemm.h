// The SGEMM microkernel, the two GEMV kernels and the peak-FMA loop, written once
// over a vector-traits type V and instantiated in each ISA's file (which compiles
// them for its ISA). Included only by f32-gemm-*.cc.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include "../kernels.h"

namespace tsjit {
namespace {

// Note [Microkernel tile]: MR rows x NV vectors of W floats. All MR*NV accumulators
// stay in registers (the loops are fully unrolled), one B row of NV vectors is loaded
// per k and each A element broadcast once: per k, NV loads + MR broadcasts for MR*NV
// FMAs. The tile is chosen so that MR*NV + NV + 1 registers fit the ISA's register file.
// A is read in place (row r at a + r*rs_a, k contiguous): a row-major A needs no
// packing, and rows past mr re-read row 0, whose results are never stored.
// next_b: prefetch_floats of B that later tiles will read (sgemm.cc, Note [Next panel
// prefetch]), fetched into L2 a line every few k steps, spread over the whole loop so
// the fetches never queue up ahead of the loads of b.
template <class V, int MR, int NV>
inline void gemm_ukernel(size_t mr, size_t nr, size_t kc, const float* __restrict a, ptrdiff_t rs_a,
                         const float* __restrict b, float* __restrict c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha,
                         float beta, const float* __restrict bias_n, const float* __restrict bias_m,
                         const float* next_b, size_t prefetch_floats) {
  using R = typename V::reg;
  constexpr int W = V::W;
  constexpr int NR = NV * W;
  const char* prefetch = reinterpret_cast<const char*>(next_b);
  const size_t prefetch_step = (prefetch_floats * sizeof(float) + kc - 1) / kc;  // bytes per k step
  // C's tile is read (or written) once kc steps from now: start fetching its lines.
  if (cs_c == 1) {
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
      for (int j = 0; j < NR; j += 16) __builtin_prefetch(c + i * rs_c + j, 1);  // one 64-byte line
  }
  const float* ar[MR];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++) ar[i] = a + (size_t(i) < mr ? i : 0) * rs_a;
  R acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) acc[i][j] = V::zero();
  // Without a next panel to fetch, the loop runs without the prefetch instruction.
  const auto k_loop = [&](auto fetching) {
#pragma GCC unroll 4
    for (size_t k = 0; k < kc; k++) {
      R bv[NV];
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) bv[j] = V::load(b + j * W);
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++) {
        const R av = V::set1(ar[i][k]);
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) acc[i][j] = V::fmadd(av, bv[j], acc[i][j]);
      }
      if constexpr (decltype(fetching)::value) __builtin_prefetch(prefetch + k * prefetch_step, 0, 2);
      b += NR;
    }
  };
  if (prefetch_floats > 0) {
    k_loop(std::true_type());
  } else {
    k_loop(std::false_type());
  }
  const R va = V::set1(alpha);
  if (mr == size_t(MR) && nr == size_t(NR) && cs_c == 1) {
    // The bias terms of each tile row: bias_n's NR floats plus the row's bias_m.
    const bool has_bias = bias_n != nullptr || bias_m != nullptr;
    R bias_row[NV];
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) bias_row[j] = bias_n != nullptr ? V::load(bias_n + j * W) : V::zero();
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++) {
      const R shift = bias_m != nullptr ? V::set1(bias_m[i]) : V::zero();
      if (beta == 0.0f) {
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) {
          const R v = has_bias ? V::fmadd(va, acc[i][j], V::add(bias_row[j], shift)) : V::mul(va, acc[i][j]);
          V::store(c + i * rs_c + j * W, v);
        }
      } else {
        const R vb = V::set1(beta);
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) {
          float* p = c + i * rs_c + j * W;
          V::store(p, V::fmadd(va, acc[i][j], V::fmadd(vb, V::load(p), V::add(bias_row[j], shift))));
        }
      }
    }
    return;
  }
  // Edge tile, or C with a column stride: go through memory.
  alignas(64) float tile[MR * NR];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) V::store(tile + i * NR + j * W, acc[i][j]);
  for (size_t i = 0; i < mr; i++) {
    const float shift = bias_m != nullptr ? bias_m[i] : 0.0f;
    for (size_t j = 0; j < nr; j++) {
      float* p = c + ptrdiff_t(i) * rs_c + ptrdiff_t(j) * cs_c;
      const float bias = shift + (bias_n != nullptr ? bias_n[j] : 0.0f);
      *p = beta == 0.0f ? alpha * tile[i * NR + j] + bias : alpha * tile[i * NR + j] + (beta * *p + bias);
    }
  }
}

// Note [Short tiles]: the k loop costs the same for every row of its tile, used or not
// (rows past mr re-read row 0), so the last tile of a product whose M is not a multiple
// of MR runs a tile of 2 or 4 rows when that covers its rows: a 64-row product on a
// 6-row tile is 10 full tiles and one of 4 rows, which on 6 rows would cost 66 rows.
template <class V, int MR, int NV>
inline void gemm_ukernel_rows(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
                              float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n,
                              const float* bias_m, const float* next_b, size_t prefetch_floats) {
  if constexpr (MR > 4) {
    if (mr <= 2) {
      gemm_ukernel<V, 2, NV>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
      return;
    }
    if (mr <= 4) {
      gemm_ukernel<V, 4, NV>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
      return;
    }
  }
  gemm_ukernel<V, MR, NV>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
}

// c[j * cs_c] = out.alpha * sums[j] + out.beta * c[j * cs_c] + out.bias[j] + out.shift for
// j < n (C is not read when beta is 0; no bias when it is null); sums: n floats.
template <class V>
inline void store_gemv_outputs(size_t n, const float* sums, const GemvOutput& out, float* c, ptrdiff_t cs_c) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  size_t j = 0;
  if (cs_c == 1) {
    const R va = V::set1(out.alpha), vb = V::set1(out.beta), vs = V::set1(out.shift);
    for (; j + W <= n; j += W) {
      R v = V::fmadd(va, V::load(sums + j), vs);
      if (out.beta != 0.0f) v = V::fmadd(vb, V::load(c + j), v);
      if (out.bias != nullptr) v = V::add(v, V::load(out.bias + j));
      V::store(c + j, v);
    }
  }
  for (; j < n; j++) {
    float* p = c + ptrdiff_t(j) * cs_c;
    float v = out.alpha * sums[j] + out.shift;
    if (out.beta != 0.0f) v += out.beta * *p;
    if (out.bias != nullptr) v += out.bias[j];
    *p = v;
  }
}

// The n-th of `count` blocks in the order a GEMV pass takes them (kernels.h).
inline size_t block_in_order(size_t n, size_t count, bool descending) { return descending ? count - 1 - n : n; }

// sums[v * W ..] += sum over the ROWS rows k.. of a[k * a_step] * b[k * rs_b + cols[v]]
// for the `vectors` columns of vectors cols[v] = first + v * W.
template <class V, int ROWS>
inline void add_rows(size_t vectors, float* sums, const float* a, ptrdiff_t a_step, const float* b, ptrdiff_t rs_b,
                     size_t k, size_t first) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  R av[ROWS];
  const float* br[ROWS];
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; r++) {
    av[r] = V::set1(a[ptrdiff_t(k + size_t(r)) * a_step]);
    br[r] = b + ptrdiff_t(k + size_t(r)) * rs_b + ptrdiff_t(first);
  }
  for (size_t v = 0; v < vectors; v++) {
    R acc = V::load(sums + v * W);
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++) acc = V::fmadd(av[r], V::load(br[r] + v * W), acc);
    V::store(sums + v * W, acc);
  }
}

// c[n * cs_c] = alpha * sum_k a[k * a_step] * b[k * rs_b + n] (+ beta, bias, shift as in
// store_gemv_outputs): B's rows are contiguous, so each k adds a scaled row of B. The
// sums of up to kRowsChunk columns live in L1 while every row of B adds its part of a
// row to them (four rows per load and store of the sums), so B streams a row at a time,
// the way the hardware prefetchers follow best (1x2048x2048, 16 MB, on one core: a
// 64-column slab at a time 1040 µs, whole rows 600). When every row of B starts at the
// same place in a vector (rs_b a multiple of W) the loads are aligned from the first
// aligned column on; the columns before it are one unaligned vector from column 0, and
// the columns past the last whole vector one from column N - W (their overlap with the
// aligned vectors is computed twice and stored once). `descending` reverses the order of
// the chunks, not of the rows: each sum adds its terms in one order whichever the direction.
constexpr size_t kRowsChunk = 1024;
template <class V>
inline void gemv_rows(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b, ptrdiff_t rs_b,
                      const GemvOutput& out, float* c, ptrdiff_t cs_c, bool descending) {
  constexpr size_t W = V::W, CHUNK = kRowsChunk / W;
  alignas(64) float sums[(CHUNK + 2) * W];  // the head vector, CHUNK aligned vectors, the tail vector
  if (N < W) {
    for (size_t j = 0; j < N; j++) {
      float sum = 0.0f;
      for (size_t k = 0; k < K; k++) sum += a[ptrdiff_t(k) * a_step] * b[ptrdiff_t(k) * rs_b + ptrdiff_t(j)];
      sums[j] = sum;
    }
    store_gemv_outputs<V>(N, sums, out, c, cs_c);
    return;
  }
  const size_t misaligned = reinterpret_cast<uintptr_t>(b) / sizeof(float) % W;
  const size_t head = rs_b % ptrdiff_t(W) == 0 && misaligned != 0 ? W - misaligned : 0;
  const size_t body = (N - head) / W;  // whole vectors from column `head`
  const size_t tail = head + body * W;  // the columns from here on: the vector at N - W
  const size_t chunks = std::max<size_t>(1, (body + CHUNK - 1) / CHUNK);
  for (size_t t = 0; t < chunks; t++) {
    const size_t chunk = block_in_order(t, chunks, descending);
    const size_t v0 = chunk * CHUNK, vectors = std::min(body, v0 + CHUNK) - v0;
    const bool with_head = chunk == 0 && head > 0, with_tail = chunk == chunks - 1 && tail < N;
    std::fill(sums, sums + (CHUNK + 2) * W, 0.0f);
    float* body_sums = sums + W;
    float* tail_sums = body_sums + vectors * W;
    const auto add = [&](size_t k, auto rows) {
      constexpr int ROWS = decltype(rows)::value;
      if (with_head) add_rows<V, ROWS>(1, sums, a, a_step, b, rs_b, k, 0);
      add_rows<V, ROWS>(vectors, body_sums, a, a_step, b, rs_b, k, head + v0 * W);
      if (with_tail) add_rows<V, ROWS>(1, tail_sums, a, a_step, b, rs_b, k, N - W);
    };
    size_t k = 0;
    for (; k + 4 <= K; k += 4) add(k, std::integral_constant<int, 4>());
    for (; k < K; k++) add(k, std::integral_constant<int, 1>());
    if (with_head) store_gemv_outputs<V>(head, sums, out, c, cs_c);
    const size_t n0 = head + v0 * W;
    store_gemv_outputs<V>(vectors * W, body_sums, columns_from(out, n0), c + ptrdiff_t(n0) * cs_c, cs_c);
    if (with_tail) {
      store_gemv_outputs<V>(N - tail, tail_sums + (tail - (N - W)), columns_from(out, tail), c + ptrdiff_t(tail) * cs_c, cs_c);
    }
  }
}

// C[i, n] = sum_k A[i, k] * b[n * cs_b + k] for AROWS rows of A (row i at a + i*rs_a, k
// contiguous), written as outs[i] says: B's columns are contiguous (a transposed
// weight, as in linear). BROWS columns of B at a time, one vector accumulator per (row
// of A, column of B), every load of B shared by the AROWS rows and every load of A by
// the BROWS columns; the sums are folded W accumulators at a time into one vector
// (transpose_sum) and stored with the epilogue. The last block re-reads its last column
// in the columns past N (their sums are not stored), so a narrow layer runs the same loop.
template <class V, int BROWS, int AROWS>
inline void gemv_dots_block(size_t N, size_t K, const float* a, ptrdiff_t rs_a, const float* b, ptrdiff_t cs_b,
                            const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  constexpr int ACC = BROWS * AROWS;
  static_assert(ACC % W == 0, "the accumulators fold W at a time");
  alignas(64) float sums[ACC];
  const size_t k_vec = K / W * W;
  const size_t blocks = (N + BROWS - 1) / BROWS;
  for (size_t t = 0; t < blocks; t++) {
    const size_t n = block_in_order(t, blocks, descending) * BROWS;
    const size_t cols = std::min(size_t(BROWS), N - n);
    const float* br[BROWS];
#pragma GCC unroll 16
    for (int j = 0; j < BROWS; j++) br[j] = b + ptrdiff_t(n + std::min(size_t(j), cols - 1)) * cs_b;
    R acc[ACC];
#pragma GCC unroll 16
    for (int r = 0; r < ACC; r++) acc[r] = V::zero();
    for (size_t k = 0; k < k_vec; k += W) {
      R av[AROWS];
#pragma GCC unroll 4
      for (int i = 0; i < AROWS; i++) av[i] = V::load(a + i * rs_a + ptrdiff_t(k));
#pragma GCC unroll 16
      for (int j = 0; j < BROWS; j++) {
        const R bv = V::load(br[j] + k);
#pragma GCC unroll 4
        for (int i = 0; i < AROWS; i++) acc[i * BROWS + j] = V::fmadd(av[i], bv, acc[i * BROWS + j]);
      }
    }
#pragma GCC unroll 16
    for (int r = 0; r < ACC; r += int(W)) V::transpose_sum(acc + r, sums + r);
    for (size_t k = k_vec; k < K; k++) {
      for (int i = 0; i < AROWS; i++) {
        for (size_t j = 0; j < cols; j++) sums[size_t(i) * BROWS + j] += a[i * rs_a + ptrdiff_t(k)] * br[j][k];
      }
    }
    for (int i = 0; i < AROWS; i++) {
      store_gemv_outputs<V>(cols, sums + i * BROWS, columns_from(outs[i], n), c + i * rs_c + ptrdiff_t(n) * cs_c, cs_c);
    }
  }
}

// C[i, n] = sum_k A[i, k] * b[n * cs_b + k] for the M rows of A, row i written as outs[i]
// says: four rows of A at a time (ROWS / 4 columns of B each), then two, then one
// (ROWS columns), so B is streamed once per four rows of A.
template <class V, int ROWS>
inline void gemv_dots(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a, const float* b, ptrdiff_t cs_b,
                      const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending) {
  size_t i = 0;
  for (; i + 4 <= M; i += 4) {
    gemv_dots_block<V, ROWS / 4, 4>(N, K, a + ptrdiff_t(i) * rs_a, rs_a, b, cs_b, outs + i, c + ptrdiff_t(i) * rs_c, rs_c, cs_c, descending);
  }
  for (; i + 2 <= M; i += 2) {
    gemv_dots_block<V, ROWS / 2, 2>(N, K, a + ptrdiff_t(i) * rs_a, rs_a, b, cs_b, outs + i, c + ptrdiff_t(i) * rs_c, rs_c, cs_c, descending);
  }
  for (; i < M; i++) {
    gemv_dots_block<V, ROWS, 1>(N, K, a + ptrdiff_t(i) * rs_a, rs_a, b, cs_b, outs + i, c + ptrdiff_t(i) * rs_c, rs_c, cs_c, descending);
  }
}

// CHAINS independent FMA dependency chains: enough to cover FMA latency x FMA ports,
// so the loop runs at the core's peak FMA throughput. Returns the flops performed.
template <class V, int CHAINS>
inline double peak_fma(size_t iterations, float* sink) {
  using R = typename V::reg;
  R acc[CHAINS];
#pragma GCC unroll 32
  for (int i = 0; i < CHAINS; i++) acc[i] = V::set1(float(i) * 1e-3f);
  const R m = V::set1(0.999999f);
  const R d = V::set1(1e-7f);
  for (size_t it = 0; it < iterations; it++) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS; i++) acc[i] = V::fmadd(acc[i], m, d);
  }
  R total = acc[0];
#pragma GCC unroll 32
  for (int i = 1; i < CHAINS; i++) total = V::add(total, acc[i]);
  *sink = V::hsum(total);
  return 2.0 * double(iterations) * CHAINS * V::W;
}

}  // namespace
}  // namespace tsjit
