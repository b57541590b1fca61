#include "f32-gemm-pack.h"
#include <cstring>

namespace tsjit {

void pack_a_mr_kmajor(size_t mc, size_t kc, int MR, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  for (size_t i = 0; i < mc; i += size_t(MR)) {
    const size_t rows = mc - i < size_t(MR) ? mc - i : size_t(MR);
    float* panel = dst + i * kc;
    for (size_t r = 0; r < size_t(MR); r++) {
      float* d = panel + r;
      if (r >= rows) {
        for (size_t k = 0; k < kc; k++, d += MR) *d = 0.0f;
        continue;
      }
      const float* s = a + ptrdiff_t(i + r) * rs;
      if (cs == 1) {
        for (size_t k = 0; k < kc; k++, d += MR) *d = s[k];
      } else {
        for (size_t k = 0; k < kc; k++, d += MR) *d = s[ptrdiff_t(k) * cs];
      }
    }
  }
}

void pack_b_kmajor_nr(size_t kc, size_t nc, int NR, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  for (size_t j = 0; j < nc; j += size_t(NR)) {
    const size_t cols = nc - j < size_t(NR) ? nc - j : size_t(NR);
    float* panel = dst + j * kc;
    if (cs == 1) {
      // Rows of B contiguous: one copy of `cols` floats per k.
      for (size_t k = 0; k < kc; k++) {
        float* d = panel + k * size_t(NR);
        std::memcpy(d, b + ptrdiff_t(k) * rs + ptrdiff_t(j), cols * sizeof(float));
        for (size_t x = cols; x < size_t(NR); x++) d[x] = 0.0f;
      }
    } else {
      // Columns contiguous (a transposed weight) or strided: walk each column down k.
      for (size_t x = 0; x < size_t(NR); x++) {
        float* d = panel + x;
        if (x >= cols) {
          for (size_t k = 0; k < kc; k++, d += NR) *d = 0.0f;
          continue;
        }
        const float* s = b + ptrdiff_t(j + x) * cs;
        for (size_t k = 0; k < kc; k++, d += NR) *d = s[ptrdiff_t(k) * rs];
      }
    }
  }
}

}  // namespace tsjit
