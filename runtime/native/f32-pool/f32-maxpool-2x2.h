// max_pool2d's 2x2 stride-2 rows (f32-pool.cc) in portable C++, for the ISAs whose
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

// Output row r at out + r * rs_out: out[j] = max of the window in[2j, 2j + 1] of input
// rows 2r and 2r + 1 (rs_in apart), for j < n.
inline void maxpool_2x2_rows(size_t rows, size_t n, const float* in, ptrdiff_t rs_in, float* out, ptrdiff_t rs_out) {
  for (size_t r = 0; r < rows; r++, in += 2 * rs_in, out += rs_out) {
    const float* top = in;
    const float* bottom = in + rs_in;
    for (size_t j = 0; j < n; j++) {
      out[j] = step_max(step_max(step_max(top[2 * j], top[2 * j + 1]), bottom[2 * j]), bottom[2 * j + 1]);
    }
  }
}

}  // namespace
}  // namespace tsjit
