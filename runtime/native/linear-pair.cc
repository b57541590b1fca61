// Note [Linear pairs by hidden blocks]: at batch 1 a linear layer streams its weight
// once, so two layers in a row are bound by where their weights sit. Apart, each pass
// alternates its direction (Note [Alternating passes]), but the second layer's pass
// evicts the lines the first one's next pass starts with: mlp's 784-512-512 layers
// (2.6 MB against 2 MiB of L2) missed about 1.2 MB a call. Here both weights go in one
// pass over blocks of kHiddenBlock hidden units: each block computes its hidden values
// from its rows of w1, then at once their terms of y from the same rows of w2
// transposed, into the block's own partial sums. The pass takes the blocks in the
// opposite order from one call to the next, as one weight of 2.6 MB would be, and
// misses only what L2 cannot hold (two layers alone, one thread: 42 -> 35 µs). The
// partial sums are added block 0 first whatever the direction and the thread count,
// so every call gives the same floats.
#include "linear-pair.h"
#include <algorithm>
#include <vector>
#include "pass-directions.h"
#include "threadpool.h"

namespace tsjit {
namespace {

constexpr size_t kHiddenBlock = 64;
// Up to this many multiply-adds the pair runs on the calling thread (as a GEMV does:
// sgemm.cc's kParallelGemvMacs).
constexpr double kParallelMacs = 64.0 * 1024.0;

// Hidden block `block`: its hidden values, then its terms of y into partial[block].
void run_block(const IsaKernels& isa, const LinearPairRow& p, size_t block, bool descending, float* partial) {
  const size_t first = block * kHiddenBlock, rows = std::min(kHiddenBlock, p.hidden - first);
  const GemvOutput hidden_out{1.0f, 0.0f, p.b1 != nullptr ? p.b1 + first : nullptr, 0.0f};
  float* h = p.h + first;
  isa.gemv_dots(1, rows, p.k, p.x, ptrdiff_t(p.k), p.w1 + ptrdiff_t(first) * p.rs_w1, p.rs_w1, &hidden_out, h, 0, 1,
                descending);
  const double no_params[2] = {0.0, 0.0};
  if (p.act1 >= 0) isa.vunary(p.act1, rows, h, h, no_params);
  const GemvOutput terms{1.0f, 0.0f, nullptr, 0.0f};
  isa.gemv_rows(p.n, rows, h, 1, p.w2t + ptrdiff_t(first) * p.rs_w2t, p.rs_w2t, terms, partial + block * p.n, 1, false);
}

}  // namespace

bool linear_pair_row(const IsaKernels& isa, const LinearPairRow& p) {
  const size_t blocks = (p.hidden + kHiddenBlock - 1) / kHiddenBlock;
  if (blocks * p.n > kMaxPartialFloats) return false;
  static thread_local std::vector<float> partials;
  if (partials.size() < blocks * p.n) partials.resize(blocks * p.n);
  float* partial = partials.data();
  if (blocks > 0) {
    const bool descending = pass_directions().next_descending(p.w1);
    const double macs = double(p.hidden) * double(p.k + p.n);
    const int tasks = macs > kParallelMacs ? int(std::min<size_t>(size_t(usable_threads()), blocks)) : 1;
    thread_pool().run_by_thread(tasks, [&](int t) {
      const size_t b0 = blocks * size_t(t) / size_t(tasks), b1 = blocks * size_t(t + 1) / size_t(tasks);
      for (size_t i = b0; i < b1; i++) run_block(isa, p, descending ? b1 - 1 - (i - b0) : i, descending, partial);
    });
  }
  // With no hidden unit (hidden 0) no term is added: y = act2(b2).
  if (blocks == 0) {
    std::fill(p.y, p.y + p.n, 0.0f);
  } else {
    std::copy(partial, partial + p.n, p.y);
  }
  for (size_t block = 1; block < blocks; block++) {
    const float* terms = partial + block * p.n;
    for (size_t j = 0; j < p.n; j++) p.y[j] += terms[j];
  }
  if (p.b2 != nullptr) {
    for (size_t j = 0; j < p.n; j++) p.y[j] += p.b2[j];
  }
  const double no_params[2] = {0.0, 0.0};
  if (p.act2 >= 0 && p.n > 0) isa.vunary(p.act2, p.n, p.y, p.y, no_params);
  return true;
}

}  // namespace tsjit
