// Raises glibc's mmap and trim thresholds once, at load (Note [Keeping freed pages]).
#include "malloc-tuning.h"
#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tsjit {

std::string tune_malloc() {
  const char* setting = std::getenv("TSJIT_TUNE_MALLOC");
  if (setting != nullptr && std::strcmp(setting, "0") == 0) return "left alone (TSJIT_TUNE_MALLOC=0)";
#if defined(__GLIBC__)
  constexpr int kMmapThreshold = 32 << 20;  // glibc's largest accepted value on 64-bit
  constexpr int kTrimThreshold = 64 << 20;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 0 || mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 0) {
    return "glibc refused the thresholds";
  }
  return "glibc: mmap threshold 32 MiB, trim threshold 64 MiB";
#else
  return "left alone (not glibc)";
#endif
}

}  // namespace tsjit
