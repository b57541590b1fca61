// The SGEMM microkernel, the two GEMV kernels and the peak-FMA loop, written once
// over a vector-traits type V and instantiated in each ISA's file (which compiles
// them for its ISA). Included only by f32-gemm-*.cc.
#pragma once
#include <cstddef>

namespace tsjit {
namespace {

// Note [Microkernel tile]: MR rows x NV vectors of W floats. All MR*NV accumulators
// stay in registers (the loops are fully unrolled), one B row of NV vectors is loaded
// per k and each A element broadcast once: per k, NV loads + MR broadcasts for MR*NV
// FMAs. The tile is chosen so that MR*NV + NV + 1 registers fit the ISA's register file.
// A is read in place (row r at a + r*rs_a, k contiguous): a row-major A needs no
// packing, and rows past mr re-read row 0, whose results are never stored.
template <class V, int MR, int NV>
inline void gemm_ukernel(size_t mr, size_t nr, size_t kc, const float* __restrict a, ptrdiff_t rs_a,
                         const float* __restrict b, float* __restrict c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha,
                         float beta) {
  using R = typename V::reg;
  constexpr int W = V::W;
  constexpr int NR = NV * W;
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
    b += NR;
  }
  const R va = V::set1(alpha);
  if (mr == size_t(MR) && nr == size_t(NR) && cs_c == 1) {
    if (beta == 0.0f) {
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) V::store(c + i * rs_c + j * W, V::mul(va, acc[i][j]));
    } else {
      const R vb = V::set1(beta);
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
        for (int j = 0; j < NV; j++) {
          float* p = c + i * rs_c + j * W;
          V::store(p, V::fmadd(va, acc[i][j], V::mul(vb, V::load(p))));
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
    for (size_t j = 0; j < nr; j++) {
      float* p = c + ptrdiff_t(i) * rs_c + ptrdiff_t(j) * cs_c;
      *p = beta == 0.0f ? alpha * tile[i * NR + j] : alpha * tile[i * NR + j] + beta * *p;
    }
  }
}

// c[n * cs_c] += alpha * sum_k a[k * a_step] * b[k * rs_b + n]: B's rows are contiguous,
// so each k adds a scaled row of B; U vectors of columns at a time.
template <class V, int U>
inline void gemv_rows(size_t N, size_t K, float alpha, const float* a, ptrdiff_t a_step, const float* b, ptrdiff_t rs_b,
                      float* c, ptrdiff_t cs_c) {
  using R = typename V::reg;
  constexpr int W = V::W;
  constexpr size_t BLOCK = size_t(U) * W;
  size_t n = 0;
  for (; n + BLOCK <= N; n += BLOCK) {
    R acc[U];
#pragma GCC unroll 8
    for (int j = 0; j < U; j++) acc[j] = V::zero();
    const float* bk = b + n;
    for (size_t k = 0; k < K; k++, bk += rs_b) {
      const R av = V::set1(a[ptrdiff_t(k) * a_step]);
#pragma GCC unroll 8
      for (int j = 0; j < U; j++) acc[j] = V::fmadd(av, V::load(bk + j * W), acc[j]);
    }
    alignas(64) float tile[BLOCK];
#pragma GCC unroll 8
    for (int j = 0; j < U; j++) V::store(tile + j * W, acc[j]);
    for (size_t j = 0; j < BLOCK; j++) c[ptrdiff_t(n + j) * cs_c] += alpha * tile[j];
  }
  for (; n < N; n++) {
    float sum = 0.0f;
    for (size_t k = 0; k < K; k++) sum += a[ptrdiff_t(k) * a_step] * b[ptrdiff_t(k) * rs_b + ptrdiff_t(n)];
    c[ptrdiff_t(n) * cs_c] += alpha * sum;
  }
}

// c[n * cs_c] += alpha * sum_k a[k] * b[n * cs_b + k]: B's columns are contiguous (a
// transposed weight, as in linear); four dot products share each load of A.
template <class V>
inline void gemv_dots(size_t N, size_t K, float alpha, const float* a, const float* b, ptrdiff_t cs_b, float* c,
                      ptrdiff_t cs_c) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  size_t n = 0;
  for (; n + 4 <= N; n += 4) {
    const float* b0 = b + ptrdiff_t(n) * cs_b;
    const float* b1 = b0 + cs_b;
    const float* b2 = b1 + cs_b;
    const float* b3 = b2 + cs_b;
    R s0 = V::zero(), s1 = V::zero(), s2 = V::zero(), s3 = V::zero();
    size_t k = 0;
    for (; k + W <= K; k += W) {
      const R av = V::load(a + k);
      s0 = V::fmadd(av, V::load(b0 + k), s0);
      s1 = V::fmadd(av, V::load(b1 + k), s1);
      s2 = V::fmadd(av, V::load(b2 + k), s2);
      s3 = V::fmadd(av, V::load(b3 + k), s3);
    }
    float t0 = V::hsum(s0), t1 = V::hsum(s1), t2 = V::hsum(s2), t3 = V::hsum(s3);
    for (; k < K; k++) {
      t0 += a[k] * b0[k];
      t1 += a[k] * b1[k];
      t2 += a[k] * b2[k];
      t3 += a[k] * b3[k];
    }
    c[ptrdiff_t(n) * cs_c] += alpha * t0;
    c[ptrdiff_t(n + 1) * cs_c] += alpha * t1;
    c[ptrdiff_t(n + 2) * cs_c] += alpha * t2;
    c[ptrdiff_t(n + 3) * cs_c] += alpha * t3;
  }
  for (; n < N; n++) {
    const float* bn = b + ptrdiff_t(n) * cs_b;
    R s = V::zero();
    size_t k = 0;
    for (; k + W <= K; k += W) s = V::fmadd(V::load(a + k), V::load(bn + k), s);
    float t = V::hsum(s);
    for (; k < K; k++) t += a[k] * bn[k];
    c[ptrdiff_t(n) * cs_c] += alpha * t;
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
