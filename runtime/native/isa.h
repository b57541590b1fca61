#pragma once
#include <string>
#include "kernels.h"

namespace tsjit {
struct IsaChoice {
  const IsaKernels* kernels;  // null when TSJIT_ISA names an ISA this CPU lacks
  std::string reason;
};
bool cpu_has_avx512();
bool cpu_has_avx2();
// The table for "avx512" | "avx2" | "generic", or null when unknown or unsupported here.
const IsaKernels* isa_by_name(const std::string& name);
IsaChoice choose_isa();
}  // namespace tsjit
