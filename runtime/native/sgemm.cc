// The SGEMM driver, GotoBLAS/BLIS loop order: jc (nc columns of B) > pc (kc deep,
// pack B) > ic (mc rows of A, pack A) > jr > ir (one microkernel call per MR x NR
// tile of C). Large products are split over the thread pool by blocks of N (or of M
// when N is narrow); each task packs into its own thread-local buffers.
#include "sgemm.h"
#include <algorithm>
#include <cstdlib>
#include <memory>
#include "f32-gemm/f32-gemm-pack.h"
#include "threadpool.h"

namespace tsjit {
namespace {

struct AlignedBuffer {
  float* data = nullptr;
  size_t size = 0;
  float* get(size_t n) {
    if (n > size) {
      std::free(data);
      data = static_cast<float*>(std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64));
      size = n;
    }
    return data;
  }
  ~AlignedBuffer() { std::free(data); }
};

thread_local AlignedBuffer packed_a;
thread_local AlignedBuffer packed_b;

void scale_c(size_t M, size_t N, float beta, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c) {
  if (beta == 1.0f) return;
  for (size_t i = 0; i < M; i++) {
    float* row = c + ptrdiff_t(i) * rs_c;
    if (beta == 0.0f) {
      for (size_t j = 0; j < N; j++) row[ptrdiff_t(j) * cs_c] = 0.0f;
    } else {
      for (size_t j = 0; j < N; j++) row[ptrdiff_t(j) * cs_c] *= beta;
    }
  }
}

// One task's share: the whole blocked product for C[0:M, 0:N] of the pointers given.
void gemm_blocked(const GemmConfig& g, size_t M, size_t N, size_t K, float alpha, const float* a, ptrdiff_t rs_a,
                  ptrdiff_t cs_a, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c,
                  ptrdiff_t cs_c) {
  const size_t MR = size_t(g.mr), NR = size_t(g.nr);
  const size_t KC = size_t(g.kc);
  const size_t MC = size_t(g.mc);
  const size_t NC = size_t(g.nc);
  const size_t kc_max = std::min(KC, K);
  float* pa = packed_a.get(((std::min(MC, M) + MR - 1) / MR) * MR * kc_max);
  float* pb = packed_b.get(((std::min(NC, N) + NR - 1) / NR) * NR * kc_max);
  for (size_t jc = 0; jc < N; jc += NC) {
    const size_t nc = std::min(NC, N - jc);
    for (size_t pc = 0; pc < K; pc += KC) {
      const size_t kc = std::min(KC, K - pc);
      // The first k block applies beta; later ones accumulate.
      const float beta_k = pc == 0 ? beta : 1.0f;
      pack_b_kmajor_nr(kc, nc, g.nr, b + ptrdiff_t(pc) * rs_b + ptrdiff_t(jc) * cs_b, rs_b, cs_b, pb);
      for (size_t ic = 0; ic < M; ic += MC) {
        const size_t mc = std::min(MC, M - ic);
        pack_a_mr_kmajor(mc, kc, g.mr, a + ptrdiff_t(ic) * rs_a + ptrdiff_t(pc) * cs_a, rs_a, cs_a, pa);
        for (size_t jr = 0; jr < nc; jr += NR) {
          const size_t nr = std::min(NR, nc - jr);
          for (size_t ir = 0; ir < mc; ir += MR) {
            const size_t mr = std::min(MR, mc - ir);
            float* ct = c + ptrdiff_t(ic + ir) * rs_c + ptrdiff_t(jc + jr) * cs_c;
            g.ukernel(mr, nr, kc, pa + ir * kc, pb + jr * kc, ct, rs_c, cs_c, alpha, beta_k);
          }
        }
      }
    }
  }
}

// Below this many multiply-adds a product runs on the calling thread.
constexpr double kParallelMacs = 96.0 * 96.0 * 96.0;
// GEMV: B elements (floats) from which the pool shares the reading: once B is well
// past a core's L2, two cores' bandwidth beats the cost of a job.
constexpr double kParallelGemvElements = 2.0 * 1024.0 * 1024.0;

}  // namespace

void sgemm(const IsaKernels& isa, size_t M, size_t N, size_t K, float alpha, const float* a, ptrdiff_t rs_a,
           ptrdiff_t cs_a, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c,
           ptrdiff_t cs_c) {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.0f) {
    scale_c(M, N, beta, c, rs_c, cs_c);
    return;
  }
  const GemmConfig& g = isa.gemm;
  ThreadPool& pool = thread_pool();
  const double macs = double(M) * double(N) * double(K);
  int threads = macs >= kParallelMacs ? usable_threads() : 1;
  // Fewer rows than a tile (a batch-1 linear layer): packing B would cost as much as
  // the product, so stream B once per row instead. That is bound by reading B, so it
  // splits once B outgrows a core's L2.
  if (M < size_t(g.mr) && (cs_b == 1 || (rs_b == 1 && cs_a == 1))) {
    if (double(K) * double(N) >= kParallelGemvElements) threads = usable_threads();
    scale_c(M, N, beta, c, rs_c, cs_c);
    const size_t NR = size_t(g.nr);
    const size_t chunk = threads > 1 ? ((N + threads - 1) / threads + NR - 1) / NR * NR : N;
    const int tasks = int((N + chunk - 1) / chunk);
    pool.run(tasks, [&](int t) {
      const size_t n0 = size_t(t) * chunk;
      const size_t n = std::min(chunk, N - n0);
      for (size_t i = 0; i < M; i++) {
        const float* ai = a + ptrdiff_t(i) * rs_a;
        float* ci = c + ptrdiff_t(i) * rs_c + ptrdiff_t(n0) * cs_c;
        if (cs_b == 1) {
          isa.gemv_rows(n, K, alpha, ai, cs_a, b + ptrdiff_t(n0), rs_b, ci, cs_c);
        } else {
          isa.gemv_dots(n, K, alpha, ai, b + ptrdiff_t(n0) * cs_b, cs_b, ci, cs_c);
        }
      }
    });
    return;
  }
  if (threads == 1) {
    gemm_blocked(g, M, N, K, alpha, a, rs_a, cs_a, b, rs_b, cs_b, beta, c, rs_c, cs_c);
    return;
  }
  // Split N when it gives every thread at least a few NR panels, else split M.
  const size_t NR = size_t(g.nr), MR = size_t(g.mr);
  if (N >= size_t(threads) * NR * 2) {
    const size_t chunk = ((N + threads - 1) / threads + NR - 1) / NR * NR;
    const int tasks = int((N + chunk - 1) / chunk);
    pool.run(tasks, [&](int t) {
      const size_t n0 = size_t(t) * chunk;
      gemm_blocked(g, M, std::min(chunk, N - n0), K, alpha, a, rs_a, cs_a, b + ptrdiff_t(n0) * cs_b, rs_b, cs_b, beta,
                   c + ptrdiff_t(n0) * cs_c, rs_c, cs_c);
    });
  } else {
    const size_t chunk = ((M + threads - 1) / threads + MR - 1) / MR * MR;
    const int tasks = int((M + chunk - 1) / chunk);
    pool.run(tasks, [&](int t) {
      const size_t m0 = size_t(t) * chunk;
      gemm_blocked(g, std::min(chunk, M - m0), N, K, alpha, a + ptrdiff_t(m0) * rs_a, rs_a, cs_a, b, rs_b, cs_b, beta,
                   c + ptrdiff_t(m0) * rs_c, rs_c, cs_c);
    });
  }
}

}  // namespace tsjit
