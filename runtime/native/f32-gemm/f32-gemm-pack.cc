#include "f32-gemm-pack.h"
#include <cstring>

namespace tsjit {
namespace {

// One kc x NR panel of B, `cols` <= NR of them real.
template <int NR>
void pack_b_panel(size_t cols, size_t kc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* d) {
  if (cols == size_t(NR) && cs == 1) {
    for (size_t k = 0; k < kc; k++, d += NR) std::memcpy(d, b + ptrdiff_t(k) * rs, NR * sizeof(float));
    return;
  }
  if (cs == 1) {
    for (size_t k = 0; k < kc; k++, d += NR) {
      std::memcpy(d, b + ptrdiff_t(k) * rs, cols * sizeof(float));
      std::memset(d + cols, 0, (NR - cols) * sizeof(float));
    }
    return;
  }
  // Columns walked down k (a transposed weight has them contiguous), kColumnBlock at a
  // time: each k then writes one whole cache line of the panel while the block's
  // columns stream in order, instead of one scattered write per element.
  constexpr size_t kColumnBlock = 16;
  size_t x = 0;
  for (; x + kColumnBlock <= cols; x += kColumnBlock) {
    const float* s[kColumnBlock];
    for (size_t c = 0; c < kColumnBlock; c++) s[c] = b + ptrdiff_t(x + c) * cs;
    float* dx = d + x;
    for (size_t k = 0; k < kc; k++, dx += NR) {
      const ptrdiff_t offset = ptrdiff_t(k) * rs;
      for (size_t c = 0; c < kColumnBlock; c++) dx[c] = s[c][offset];
    }
  }
  for (; x < size_t(NR); x++) {
    float* dx = d + x;
    if (x >= cols) {
      for (size_t k = 0; k < kc; k++, dx += NR) *dx = 0.0f;
      continue;
    }
    const float* s = b + ptrdiff_t(x) * cs;
    for (size_t k = 0; k < kc; k++, dx += NR) *dx = s[ptrdiff_t(k) * rs];
  }
}

template <int NR>
void pack_b(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  for (size_t j = 0; j < nc; j += size_t(NR)) {
    const size_t cols = nc - j < size_t(NR) ? nc - j : size_t(NR);
    pack_b_panel<NR>(cols, kc, b + ptrdiff_t(j) * cs, rs, cs, dst + j * kc);
  }
}

}  // namespace

void pack_a_rows(size_t mc, size_t kc, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  if (rs == 1) {
    // Columns contiguous (a transposed operand): walk them, scattering down the rows.
    for (size_t k = 0; k < kc; k++) {
      const float* s = a + ptrdiff_t(k) * cs;
      for (size_t i = 0; i < mc; i++) dst[i * kc + k] = s[i];
    }
    return;
  }
  for (size_t i = 0; i < mc; i++) {
    const float* s = a + ptrdiff_t(i) * rs;
    float* d = dst + i * kc;
    for (size_t k = 0; k < kc; k++) d[k] = s[ptrdiff_t(k) * cs];
  }
}

void tsjit_x32_packb_ukernel_8__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  pack_b<8>(kc, nc, b, rs, cs, dst);
}

void tsjit_x32_packb_ukernel_16__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  pack_b<16>(kc, nc, b, rs, cs, dst);
}

void tsjit_x32_packb_ukernel_64__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  pack_b<64>(kc, nc, b, rs, cs, dst);
}

}  // namespace tsjit
