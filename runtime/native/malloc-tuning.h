// Note [Keeping freed pages]: tensors are freed when V8 collects them, not when their
// last use ends, so a loop of large products keeps several dead results around until
// the next GC (about eight 4 MiB results of a 1024^3 mm). glibc's default returns that
// memory to the kernel when it is freed (munmap of mmapped chunks, trimming of the
// heap top), and every new result then pays a page fault per 4 KiB on first touch:
// ~1.3 ms of a ~10 ms product. At load the addon raises glibc's mmap threshold to its
// 32 MiB limit and the trim threshold to 64 MiB, so freed results stay in the heap and
// are reused. Set TSJIT_TUNE_MALLOC=0 to leave the process's malloc settings alone.
#pragma once
#include <string>

namespace tsjit {

// Applies the settings unless TSJIT_TUNE_MALLOC=0; says what it did, for info().
std::string tune_malloc();

}  // namespace tsjit
