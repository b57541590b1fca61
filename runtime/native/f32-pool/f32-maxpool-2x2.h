// max_pool2d's 2x2 stride-2 row (f32-pool.cc) in portable C++, for the ISAs whose
// compiler-vectorized loop is as good as intrinsics (f32-maxpool-2x2-{scalar,avx2-fma}.cc):
// the order of the JS kernel's comparisons, which equal values and NaNs depend on.
#pragma once
#include <cstddef>

namespace tsjit {
namespace {

// The JS kernel's step: v replaces best when greater or NaN (so the first of equal
// values, e.g. 0 before -0, stays, and a NaN sticks). Written as a max then a NaN
// select, which compilers emit without branches (random data would mispredict them).
inline float step_max(float best, float v) {
  const float larger = v > best ? v : best;
  return v != v ? v : larger;
}

// out[j] = max of the window top[2j, 2j + 1], bottom[2j, 2j + 1], for j < n.
inline void maxpool_2x2_row(size_t n, const float* top, const float* bottom, float* out) {
  for (size_t j = 0; j < n; j++) {
    out[j] = step_max(step_max(step_max(top[2 * j], top[2 * j + 1]), bottom[2 * j]), bottom[2 * j + 1]);
  }
}

}  // namespace
}  // namespace tsjit
