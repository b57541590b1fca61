#include "f32-gemm-pack.h"
#include <cstring>

namespace tsjit {
namespace {

// One MR x kc panel of A, `rows` <= MR of them real. Writes run contiguously along
// the panel (k-major); reads walk MR row streams, or copy MR floats per k when A's
// columns are contiguous (a transposed operand).
template <int MR>
void pack_a_panel(size_t rows, size_t kc, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* d) {
  if (rows == size_t(MR) && rs == 1) {
    for (size_t k = 0; k < kc; k++, d += MR) std::memcpy(d, a + ptrdiff_t(k) * cs, MR * sizeof(float));
    return;
  }
  const float* src[MR];
  for (size_t r = 0; r < size_t(MR); r++) src[r] = a + ptrdiff_t(r < rows ? r : 0) * rs;
  if (rows == size_t(MR) && cs == 1) {
    for (size_t k = 0; k < kc; k++, d += MR)
#pragma GCC unroll 16
      for (int r = 0; r < MR; r++) d[r] = src[r][k];
    return;
  }
  for (size_t k = 0; k < kc; k++, d += MR)
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) d[r] = size_t(r) < rows ? src[r][ptrdiff_t(k) * cs] : 0.0f;
}

template <int MR>
void pack_a(size_t mc, size_t kc, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  for (size_t i = 0; i < mc; i += size_t(MR)) {
    const size_t rows = mc - i < size_t(MR) ? mc - i : size_t(MR);
    pack_a_panel<MR>(rows, kc, a + ptrdiff_t(i) * rs, rs, cs, dst + i * kc);
  }
}

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
  // Columns contiguous (a transposed weight) or strided: walk each column down k.
  for (size_t x = 0; x < size_t(NR); x++) {
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

void pack_a_mr_kmajor(size_t mc, size_t kc, int MR, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  switch (MR) {
    case 4: return pack_a<4>(mc, kc, a, rs, cs, dst);
    case 6: return pack_a<6>(mc, kc, a, rs, cs, dst);
    default: __builtin_trap();  // a tile isa.cc does not use
  }
}

void pack_b_kmajor_nr(size_t kc, size_t nc, int NR, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  switch (NR) {
    case 8: return pack_b<8>(kc, nc, b, rs, cs, dst);
    case 16: return pack_b<16>(kc, nc, b, rs, cs, dst);
    case 64: return pack_b<64>(kc, nc, b, rs, cs, dst);
    default: __builtin_trap();
  }
}

}  // namespace tsjit
