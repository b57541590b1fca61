// Pre-packed B (frozen weights): the whole K x N right operand of a product packed once
// into the panels the SGEMM microkernel reads, so products that reuse it skip packing.
//
// Layout, in floats: a 16-float (64-byte) header, `pad` floats (0 to 15), then
// ceil(N / NR) panels of K x NR, each k-major and zero-padded past N: panel q at
// kPackedBHeader + pad + q*NR*K, element (k, j) at + k*NR + j. A (jc, pc) block of the
// blocked loops reads its panels from column jc, row pc on, as it would read a block
// packed per call.
// Header (as uint32): magic, ISA code, K, N, NR, pad. The buffer belongs to JS (a
// Float32Array); the native side only reads it after check_packed_b.
//
// Note [Aligned panels]: the pad puts the panels on a 64-byte boundary where the
// buffer was packed, so no vector load of B splits a cache line. A JS Float32Array of
// that size starts 16 bytes past one (glibc's large blocks), which without the pad put
// every B load of the microkernel across two lines: 64-row linears 8-9% slower (the
// same product at the four 16-byte offsets, in one process). A buffer copied elsewhere
// keeps its pad and is read the same, only no longer aligned.
#pragma once
#include <cstddef>
#include <string>
#include "kernels.h"

namespace tsjit {
constexpr size_t kPackedBHeader = 16;
// Most floats the pad before the panels takes (Note [Aligned panels]).
constexpr size_t kPackedBMaxPad = 15;

// Floats a packed B of K x N takes under `isa`: the header, the largest pad, and
// round_up(N, NR) * K.
size_t packed_b_floats(const IsaKernels& isa, size_t K, size_t N);
// Packs B (K x N, row stride rs, column stride cs) into dst, packed_b_floats long.
void pack_b_whole(const IsaKernels& isa, size_t K, size_t N, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);
// Empty when `packed` (length floats) is a B of K x N packed under `isa`; otherwise
// what is wrong with it (not a packed B, another ISA, another shape), for the error.
std::string check_packed_b(const IsaKernels& isa, const float* packed, size_t length, size_t K, size_t N);
// The panels of a packed B that passed check_packed_b.
const float* packed_b_panels(const float* packed);
}  // namespace tsjit
