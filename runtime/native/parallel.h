// Splitting elementwise and row-wise work over the thread pool. Work below
// kParallelElements runs inline: a pool round trip costs more than it saves.
#pragma once
#include <algorithm>
#include <cstdint>
#include "threadpool.h"

namespace tsjit {

constexpr int64_t kParallelElements = 1 << 16;

// body(start, length) over [0, n), in chunks of whole cache lines.
template <class F>
void split_elements(int64_t n, F&& body) {
  const int threads = usable_threads();
  if (n < kParallelElements || threads == 1) {
    body(0, n);
    return;
  }
  const int64_t chunk = ((n + threads - 1) / threads + 63) / 64 * 64;
  const int tasks = int((n + chunk - 1) / chunk);
  thread_pool().run(tasks, [&](int t) {
    const int64_t start = int64_t(t) * chunk;
    body(start, std::min(chunk, n - start));
  });
}

// body(firstRow, rowCount) over rows of `cols` elements each.
template <class F>
void split_rows(int64_t rows, int64_t cols, F&& body) {
  const int threads = usable_threads();
  if (rows * cols < kParallelElements || threads == 1 || rows < 2) {
    body(0, rows);
    return;
  }
  const int64_t chunk = (rows + threads - 1) / threads;
  const int tasks = int((rows + chunk - 1) / chunk);
  thread_pool().run(tasks, [&](int t) {
    const int64_t start = int64_t(t) * chunk;
    body(start, std::min(chunk, rows - start));
  });
}

}  // namespace tsjit
