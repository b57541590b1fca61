// The SGEMM driver, GotoBLAS/BLIS loop order: jc (nc columns of B) > pc (kc deep,
// pack B) > ic (mc rows of A) > jr > ir (one microkernel call per MR x NR tile of C).
// The microkernel reads a row-major A in place; other layouts of A are copied into
// rows per ic block. Large products are split over the thread pool by columns (or by
// rows when N is narrow); each thread packs into its own thread-local buffers.
#include "sgemm.h"
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include "f32-gemm/f32-gemm-pack.h"
#include "pass-directions.h"
#include "threadpool.h"

namespace tsjit {
namespace {

// 64-byte aligned, grown on demand, never cleared: packing writes every float read.
// Blocks of a MiB or more (a packed B block) go on 2 MiB pages where Linux offers
// them: the kernel streams B panels across the whole block, and 4 KiB pages cost a
// TLB miss every 4 KiB of it.
struct AlignedBuffer {
  float* data = nullptr;
  size_t size = 0;
  float* get(size_t n) {
    if (n > size) {
      std::free(data);
      data = allocate(n * sizeof(float));
      size = n;
    }
    return data;
  }
  ~AlignedBuffer() { std::free(data); }

 private:
  static float* allocate(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr size_t kHuge = size_t(2) << 20;
    if (bytes >= kHuge / 2) {
      const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      void* p = std::aligned_alloc(kHuge, rounded);
      if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);  // a hint: 4 KiB pages still work
      return static_cast<float*>(p);
    }
#endif
    return static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
  }
};

thread_local AlignedBuffer packed_a;
thread_local AlignedBuffer packed_b;

struct Matrix {
  const float* p;
  ptrdiff_t rs, cs;
};

// What is done to C as it is stored (see sgemm_fused): the biases added with beta's
// term in the first k block (bias_n per column, bias_m per row; null: none), and a
// unary op applied in place once C's values are final (fn null: none).
struct Epilogue {
  const float* bias_n = nullptr;
  const float* bias_m = nullptr;
  VUnaryFn fn = nullptr;
  int op = 0;
  // rows x cols of C from c; only for C with contiguous columns.
  void apply(size_t rows, size_t cols, float* c, ptrdiff_t rs_c) const {
    if (fn == nullptr) return;
    const double no_params[2] = {0.0, 0.0};
    for (size_t i = 0; i < rows; i++) fn(op, cols, c + ptrdiff_t(i) * rs_c, c + ptrdiff_t(i) * rs_c, no_params);
  }
  // The same epilogue for the block of C from row m0, column n0.
  Epilogue from(size_t m0, size_t n0) const {
    return {bias_n != nullptr ? bias_n + n0 : nullptr, bias_m != nullptr ? bias_m + m0 : nullptr, fn, op};
  }
};

struct Product {
  size_t M, N, K;
  float alpha;
  Matrix a, b;
  float beta;
  float* c;
  ptrdiff_t rs_c, cs_c;
  Epilogue epilogue;
  // B's panels packed ahead (packed-b.h), from B's first column; null: pack per call.
  const float* packed_b = nullptr;
};

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// C = beta * C + the epilogue's biases (a product without terms: K 0 or alpha 0).
void scale_c(size_t M, size_t N, float beta, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, const Epilogue& e) {
  const bool biased = e.bias_n != nullptr || e.bias_m != nullptr;
  if (beta == 1.0f && !biased) return;
  for (size_t i = 0; i < M; i++) {
    float* row = c + ptrdiff_t(i) * rs_c;
    for (size_t j = 0; j < N; j++) {
      float& v = row[ptrdiff_t(j) * cs_c];
      v = beta == 0.0f ? 0.0f : beta * v;
      if (biased) v += (e.bias_m != nullptr ? e.bias_m[i] : 0.0f) + (e.bias_n != nullptr ? e.bias_n[j] : 0.0f);
    }
  }
}

// Note [Next panel prefetch]: a B packed ahead is a frozen weight, and a model's weights
// together outgrow L2 (attention's four linears: 3 MB), so each call finds its B in L3
// or memory. The first tile to read a panel would wait on every line of it; instead the
// tiles of each panel fetch the panel after it into L2, each tile a slice, spread over
// its k loop (attention's four linears of 64 rows in turn: 7-13% faster, mlp b64 17%,
// A/B in one process). The last panel of a block fetches the first of the next block.

// One (jc, pc) block: the ic > jr > ir loops over all rows. pb holds the block's B
// (kc x nc, NR panels, the panel of column jr at pb + jr * panel_k: kc when packed
// per block, K when B was packed whole ahead); jc and pc locate the block in A, B and C.
// next_block: the first panel of the next block the caller runs, when B was packed
// ahead, else null (a B packed per block is in L2 already: nothing is prefetched).
void compute_block(const GemmConfig& g, const Product& p, size_t jc, size_t pc, size_t kc, size_t nc, const float* pb,
                   size_t panel_k, const float* next_block) {
  const size_t MR = size_t(g.mr), NR = size_t(g.nr), MC = size_t(g.mc);
  const size_t panel_floats = kc * NR;
  const float beta = pc == 0 ? p.beta : 1.0f;  // the first k block applies beta; later ones accumulate
  const bool last_k_block = pc + kc == p.K;  // each tile is final once stored: the epilogue's turn
  // A with contiguous rows is read in place; any other layout is copied into rows.
  const bool in_place = p.a.cs == 1;
  float* pa = in_place ? nullptr : packed_a.get(std::min(MC, p.M) * kc);
  for (size_t ic = 0; ic < p.M; ic += MC) {
    const size_t mc = std::min(MC, p.M - ic);
    const float* a = p.a.p + ptrdiff_t(ic) * p.a.rs + ptrdiff_t(pc) * p.a.cs;
    ptrdiff_t rs_a = p.a.rs;
    if (!in_place) {
      pack_a_rows(mc, kc, a, p.a.rs, p.a.cs, pa);
      a = pa;
      rs_a = ptrdiff_t(kc);
    }
    const size_t tiles = (mc + MR - 1) / MR;
    const size_t slice = (panel_floats + tiles - 1) / tiles;  // of the next panel, per tile
    for (size_t jr = 0; jr < nc; jr += NR) {
      const size_t nr = std::min(NR, nc - jr);
      const float* next_panel = p.packed_b == nullptr ? nullptr : jr + NR < nc ? pb + (jr + NR) * panel_k : next_block;
      for (size_t ir = 0; ir < mc; ir += MR) {
        const size_t first = ir / MR * slice;
        const size_t prefetch = next_panel != nullptr && first < panel_floats ? std::min(slice, panel_floats - first) : 0;
        float* ct = p.c + ptrdiff_t(ic + ir) * p.rs_c + ptrdiff_t(jc + jr) * p.cs_c;
        const size_t mr = std::min(MR, mc - ir);
        const float* bias_n = pc == 0 && p.epilogue.bias_n != nullptr ? p.epilogue.bias_n + jc + jr : nullptr;
        const float* bias_m = pc == 0 && p.epilogue.bias_m != nullptr ? p.epilogue.bias_m + ic + ir : nullptr;
        const float* panel = pb + jr * panel_k;
        g.ukernel(mr, nr, kc, a + ptrdiff_t(ir) * rs_a, rs_a, panel, ct, p.rs_c, p.cs_c, p.alpha, beta, bias_n, bias_m,
                  prefetch > 0 ? next_panel + first : panel, prefetch);
        if (last_k_block) p.epilogue.apply(mr, nr, ct, p.rs_c);
      }
    }
  }
}

void gemm_single(const GemmConfig& g, const Product& p) {
  const size_t KC = size_t(g.kc), NC = size_t(g.nc);
  if (p.packed_b != nullptr) {
    for (size_t jc = 0; jc < p.N; jc += NC) {
      for (size_t pc = 0; pc < p.K; pc += KC) {
        const bool last_k = pc + KC >= p.K;
        const size_t next_jc = last_k ? jc + NC : jc, next_pc = last_k ? 0 : pc + KC;
        const float* next_block = next_jc < p.N ? p.packed_b + next_jc * p.K + next_pc * size_t(g.nr) : nullptr;
        compute_block(g, p, jc, pc, std::min(KC, p.K - pc), std::min(NC, p.N - jc),
                      p.packed_b + jc * p.K + pc * size_t(g.nr), p.K, next_block);
      }
    }
    return;
  }
  const size_t kc_max = std::min(KC, p.K);
  float* pb = packed_b.get(round_up(std::min(NC, p.N), size_t(g.nr)) * kc_max);
  for (size_t jc = 0; jc < p.N; jc += NC) {
    const size_t nc = std::min(NC, p.N - jc);
    for (size_t pc = 0; pc < p.K; pc += KC) {
      const size_t kc = std::min(KC, p.K - pc);
      g.pack_b(kc, nc, p.b.p + ptrdiff_t(pc) * p.b.rs + ptrdiff_t(jc) * p.b.cs, p.b.rs, p.b.cs, pb);
      compute_block(g, p, jc, pc, kc, nc, pb, kc, nullptr);
    }
  }
}

// [start, end) of part t of n items split into `parts` runs of whole `unit`s.
std::pair<size_t, size_t> share(size_t n, size_t unit, int parts, int t) {
  const size_t units = (n + unit - 1) / unit;
  const size_t lo = units * size_t(t) / size_t(parts), hi = units * size_t(t + 1) / size_t(parts);
  return {std::min(n, lo * unit), std::min(n, hi * unit)};
}

// One job for the whole product, one task per thread: each thread runs the blocked
// loops on its own share of the columns of B and C (packing only its share of B, into
// its own L2; a row-major A is read in place by both), or of the rows of A and C when
// N is too narrow to share. One round trip through the pool per product: under load
// every extra synchronisation can cost a scheduler time slice. Each thread takes the
// same share every call when it can (run_by_thread): a B packed ahead is read from L2.
// Note [Splitting a product over threads]: by columns, each thread reads all of A and
// its share of B; by rows, all of B and its share of A. Columns, when each thread gets
// two panels or more, or when the panels share out evenly and B is the larger operand
// (N > M): cnn's fc1 at batch 32, [32, 9216] x [9216, 128], split by rows had both cores
// stream the whole 4.7 MB B from L3.
bool splits_columns(const Product& p, size_t NR, int threads) {
  const size_t panels = (p.N + NR - 1) / NR;
  return p.N >= size_t(threads) * NR * 2 || (panels % size_t(threads) == 0 && p.N > p.M);
}

void gemm_threaded(const GemmConfig& g, const Product& p, int threads) {
  const size_t MR = size_t(g.mr), NR = size_t(g.nr);
  const bool split_columns = splits_columns(p, NR, threads);
  thread_pool().run_by_thread(threads, [&](int t) {
    Product part = p;
    if (split_columns) {
      const auto [n0, n1] = share(p.N, NR, threads, t);
      part.N = n1 - n0;
      part.b.p += ptrdiff_t(n0) * p.b.cs;
      part.c += ptrdiff_t(n0) * p.cs_c;
      part.epilogue = p.epilogue.from(0, n0);
      if (p.packed_b != nullptr) part.packed_b += n0 * p.K;  // n0 is a whole number of panels
    } else {
      const auto [m0, m1] = share(p.M, MR, threads, t);
      part.M = m1 - m0;
      part.a.p += ptrdiff_t(m0) * p.a.rs;
      part.c += ptrdiff_t(m0) * p.rs_c;
      part.epilogue = p.epilogue.from(m0, 0);
    }
    if (part.M > 0 && part.N > 0) gemm_single(g, part);
  });
}

// Rows of A per GEMV kernel call (their per-row outputs live on the stack).
constexpr size_t kGemvRowBlock = 8;


// Rows [m0, m1) x columns [n0, n1) of a GEMV-shaped product, kGemvRowBlock rows of A
// per kernel call, each call's column blocks in the order `descending` says.
void gemv_part(const IsaKernels& isa, const Product& p, size_t m0, size_t m1, size_t n0, size_t n1, bool descending) {
  const float* bias = p.epilogue.bias_n != nullptr ? p.epilogue.bias_n + n0 : nullptr;
  GemvOutput outs[kGemvRowBlock];
  for (size_t i0 = m0; i0 < m1; i0 += kGemvRowBlock) {
    const size_t rows = std::min(kGemvRowBlock, m1 - i0);
    for (size_t i = 0; i < rows; i++) {
      outs[i] = {p.alpha, p.beta, bias, p.epilogue.bias_m != nullptr ? p.epilogue.bias_m[i0 + i] : 0.0f};
    }
    const float* a = p.a.p + ptrdiff_t(i0) * p.a.rs;
    float* c = p.c + ptrdiff_t(i0) * p.rs_c + ptrdiff_t(n0) * p.cs_c;
    if (p.b.cs == 1) {
      for (size_t i = 0; i < rows; i++) {
        isa.gemv_rows(n1 - n0, p.K, a + ptrdiff_t(i) * p.a.rs, p.a.cs, p.b.p + ptrdiff_t(n0), p.b.rs, outs[i],
                      c + ptrdiff_t(i) * p.rs_c, p.cs_c, descending);
      }
    } else {
      isa.gemv_dots(rows, n1 - n0, p.K, a, p.a.rs, p.b.p + ptrdiff_t(n0) * p.b.cs, p.b.cs, outs, c, p.rs_c, p.cs_c, descending);
    }
    p.epilogue.apply(rows, n1 - n0, c, p.rs_c);
  }
}

// Fewer rows than a tile (a batch-1 linear layer), or a transposed weight narrower than
// half a tile (a classifier's last layer): packing B would cost as much as the product,
// or the tile would compute mostly padding, so stream B instead (once per row of A when
// B's rows are contiguous, once per four rows when it is a transposed weight). Split
// over N, or over the rows when N is one panel. Each call passes over B in the opposite
// order from the last call on the same B (Note [Alternating passes]).
void gemv(const IsaKernels& isa, const Product& p, int threads) {
  const size_t NR = size_t(isa.gemm.nr), unit_rows = 4;
  const bool by_rows = p.N <= NR;
  const bool descending = pass_directions().next_descending(p.b.p);
  const size_t units = by_rows ? (p.M + unit_rows - 1) / unit_rows : (p.N + NR - 1) / NR;
  const int tasks = int(std::min<size_t>(size_t(threads), units));
  thread_pool().run_by_thread(tasks, [&](int t) {
    if (by_rows) {
      const auto [m0, m1] = share(p.M, unit_rows, tasks, t);
      gemv_part(isa, p, m0, m1, 0, p.N, descending);
    } else {
      const auto [n0, n1] = share(p.N, NR, tasks, t);
      gemv_part(isa, p, 0, p.M, n0, n1, descending);
    }
  });
}

// Whether a product of this shape and layout streams B through the GEMV kernels (see
// gemv) rather than the blocked loops, which read B packed.
bool takes_gemv(const GemmConfig& g, size_t M, size_t N, ptrdiff_t cs_a, ptrdiff_t rs_b, ptrdiff_t cs_b) {
  const bool transposed_weight = rs_b == 1 && cs_a == 1;  // dot products of contiguous rows
  const bool narrow_weight = transposed_weight && 2 * N <= size_t(g.nr);
  return (M < size_t(g.mr) && (cs_b == 1 || transposed_weight)) || narrow_weight;
}

// Below this many multiply-adds a product runs on the calling thread.
constexpr double kParallelMacs = 96.0 * 96.0 * 96.0;
// A GEMV reads each weight once, so it is bound by where B sits: past this many
// multiply-adds (a B over 256 KiB) splitting its columns puts each core's share in its
// own L2 and streams it at twice the rate; up to it the pool round trip costs more (an
// RNN step's 256 x 256 GEMV, its B in the caller's L2, 50 times a forward: the traced
// rnn took 203-225 us a forward on one thread and 257-265 us split over two).
constexpr double kParallelGemvMacs = 64.0 * 1024.0;

double macs(const Product& p) { return double(p.M) * double(p.N) * double(p.K); }

// One product on at most `threads` threads.
void run_product(const IsaKernels& isa, const Product& p, int threads) {
  if (p.M == 0 || p.N == 0) return;
  if (p.K == 0 || p.alpha == 0.0f) {
    scale_c(p.M, p.N, p.beta, p.c, p.rs_c, p.cs_c, p.epilogue);
    p.epilogue.apply(p.M, p.N, p.c, p.rs_c);
    return;
  }
  const GemmConfig& g = isa.gemm;
  if (takes_gemv(g, p.M, p.N, p.a.cs, p.b.rs, p.b.cs)) {
    gemv(isa, p, macs(p) > kParallelGemvMacs ? threads : 1);
    return;
  }
  if (threads > 1 && macs(p) >= kParallelMacs) {
    gemm_threaded(g, p, threads);
  } else {
    gemm_single(g, p);
  }
}

// Largest |offset| of an element of C from its base, plus one: entries whose bases
// are at least this far apart do not overlap.
size_t c_span(size_t M, size_t N, ptrdiff_t rs_c, ptrdiff_t cs_c) {
  return (M - 1) * size_t(std::abs(rs_c)) + (N - 1) * size_t(std::abs(cs_c)) + 1;
}

}  // namespace

bool product_reads_packed_b(const IsaKernels& isa, size_t M, size_t N, size_t K, ptrdiff_t cs_a, ptrdiff_t rs_b,
                            ptrdiff_t cs_b) {
  return M > 0 && N > 0 && K > 0 && !takes_gemv(isa.gemm, M, N, cs_a, rs_b, cs_b);
}

void sgemm(const IsaKernels& isa, size_t M, size_t N, size_t K, float alpha, const float* a, ptrdiff_t rs_a,
           ptrdiff_t cs_a, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c,
           ptrdiff_t cs_c) {
  run_product(isa, {M, N, K, alpha, {a, rs_a, cs_a}, {b, rs_b, cs_b}, beta, c, rs_c, cs_c, {}}, usable_threads());
}

void sgemm_fused(const IsaKernels& isa, size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a,
                 const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c,
                 const float* bias_n, const float* bias_m, int activation, const float* packed_b) {
  const Epilogue e{bias_n, bias_m, activation >= 0 ? isa.vunary : nullptr, activation};
  run_product(isa, {M, N, K, 1.0f, {a, rs_a, cs_a}, {b, rs_b, cs_b}, beta, c, rs_c, cs_c, e, packed_b},
              usable_threads());
}

void sgemm_batched(const IsaKernels& isa, size_t batch, size_t M, size_t N, size_t K, float alpha, const float* a,
                   ptrdiff_t bs_a, ptrdiff_t rs_a, ptrdiff_t cs_a, const float* b, ptrdiff_t bs_b, ptrdiff_t rs_b,
                   ptrdiff_t cs_b, float beta, float* c, ptrdiff_t bs_c, ptrdiff_t rs_c, ptrdiff_t cs_c) {
  if (batch == 0 || M == 0 || N == 0) return;
  const Product first{M, N, K, alpha, {a, rs_a, cs_a}, {b, rs_b, cs_b}, beta, c, rs_c, cs_c, {}};
  auto entry = [&](size_t i) {
    Product p = first;
    p.a.p += ptrdiff_t(i) * bs_a;
    p.b.p += ptrdiff_t(i) * bs_b;
    p.c += ptrdiff_t(i) * bs_c;
    return p;
  };
  const int threads = usable_threads();
  const bool disjoint = size_t(std::abs(bs_c)) >= c_span(M, N, rs_c, cs_c);
  // Whole entries per thread when each is too small to split well on its own.
  const bool small = macs(first) < kParallelMacs * 4;
  if (threads > 1 && batch > 1 && disjoint && small && macs(first) * double(batch) >= kParallelMacs) {
    const int tasks = int(std::min<size_t>(size_t(threads), batch));
    thread_pool().run(tasks, [&](int t) {
      const auto [i0, i1] = share(batch, 1, tasks, t);
      for (size_t i = i0; i < i1; i++) run_product(isa, entry(i), 1);
    });
    return;
  }
  for (size_t i = 0; i < batch; i++) run_product(isa, entry(i), threads);
}

}  // namespace tsjit
