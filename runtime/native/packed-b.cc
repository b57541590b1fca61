#include "packed-b.h"
#include <cstdint>
#include <cstring>

namespace tsjit {
namespace {

constexpr uint32_t kMagic = 0x42505354;  // "TSPB"
enum HeaderField { kMagicField, kIsaField, kKField, kNField, kNrField, kPadField };
const char* const kIsaNames[] = {"unknown", "generic", "avx2", "avx512"};

uint32_t isa_code(const IsaKernels& isa) {
  for (uint32_t i = 1; i < 4; i++) {
    if (std::strcmp(isa.name, kIsaNames[i]) == 0) return i;
  }
  return 0;
}

uint32_t field(const float* packed, HeaderField f) {
  uint32_t v;
  std::memcpy(&v, packed + f, sizeof v);
  return v;
}

// Floats of the panels of a packed K x N B: round_up(N, NR) * K.
size_t panel_floats(const IsaKernels& isa, size_t K, size_t N) {
  const size_t NR = size_t(isa.gemm.nr);
  return (N + NR - 1) / NR * NR * K;
}

}  // namespace

size_t packed_b_floats(const IsaKernels& isa, size_t K, size_t N) {
  return kPackedBHeader + kPackedBMaxPad + panel_floats(isa, K, N);
}

void pack_b_whole(const IsaKernels& isa, size_t K, size_t N, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  constexpr size_t kLineFloats = 64 / sizeof(float);
  const size_t misaligned = reinterpret_cast<uintptr_t>(dst + kPackedBHeader) / sizeof(float) % kLineFloats;
  const size_t pad = (kLineFloats - misaligned) % kLineFloats;
  const uint32_t header[] = {kMagic, isa_code(isa), uint32_t(K), uint32_t(N), uint32_t(isa.gemm.nr), uint32_t(pad)};
  std::memset(dst, 0, (kPackedBHeader + pad) * sizeof(float));
  std::memcpy(dst, header, sizeof header);
  float* panels = dst + kPackedBHeader + pad;
  isa.gemm.pack_b(K, N, b, rs, cs, panels);
  std::memset(panels + panel_floats(isa, K, N), 0, (kPackedBMaxPad - pad) * sizeof(float));
}

const float* packed_b_panels(const float* packed) { return packed + kPackedBHeader + field(packed, kPadField); }

std::string check_packed_b(const IsaKernels& isa, const float* packed, size_t length, size_t K, size_t N) {
  if (length < kPackedBHeader || field(packed, kMagicField) != kMagic) return "is not a packed B (no header)";
  const uint32_t code = field(packed, kIsaField);
  if (code != isa_code(isa) || field(packed, kNrField) != uint32_t(isa.gemm.nr)) {
    return std::string("was packed for ISA ") + kIsaNames[code < 4 ? code : 0] + " (NR " +
           std::to_string(field(packed, kNrField)) + "), the active ISA is " + isa.name + " (NR " +
           std::to_string(isa.gemm.nr) + ")";
  }
  if (field(packed, kPadField) > kPackedBMaxPad) {
    return "is not a packed B (a pad of " + std::to_string(field(packed, kPadField)) + " floats)";
  }
  if (field(packed, kKField) != K || field(packed, kNField) != N) {
    return "holds a " + std::to_string(field(packed, kKField)) + " x " + std::to_string(field(packed, kNField)) +
           " B, the product's B is " + std::to_string(K) + " x " + std::to_string(N);
  }
  if (length != packed_b_floats(isa, K, N)) {
    return "has " + std::to_string(length) + " floats, a packed " + std::to_string(K) + " x " + std::to_string(N) +
           " B has " + std::to_string(packed_b_floats(isa, K, N));
  }
  return "";
}

}  // namespace tsjit
