// The direction of each GEMV pass over a weight (Note [Alternating passes]), shared by
// the GEMV paths of sgemm.cc and the linear pairs of linear-pair.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tsjit {

// Note [Alternating passes]: a GEMV reads every float of its weight once per call, so
// when the weights a model reads in turn outgrow L2 (mlp b1: 2.7 MB; cnn's fc1 alone:
// 4.7 MB; 2 MiB of L2 per core) a pass in the same order every call misses on every
// line: the lines it needs first are the ones the last pass read first, and evicted
// first. Taking the column blocks in the opposite order from one call to the next
// starts each pass with the lines the previous one left in L2, so about an L2's worth
// of every pass hits (on one core of our AVX-512 machine, cnn's fc1 152 -> 111 µs, the
// three mlp b1 layers 66 -> 44 µs; the rate beyond L2 is ~28 GB/s per core with or
// without software prefetch). Each weight, by its address, keeps its own direction:
// one toggle for all products would not alternate a model's layers when it makes an
// even number of GEMV calls per run. A direct-mapped table per calling thread; two
// weights sharing a slot only lose the alternation, the results are the same floats.
class PassDirections {
 public:
  // The direction of this pass over b: the opposite of the last pass over it.
  bool next_descending(const float* b) {
    Slot& slot = slots_[(reinterpret_cast<uintptr_t>(b) >> 6) * 0x9E3779B97F4A7C15ull >> (64 - kLogSlots)];
    slot.descending = slot.b == b && !slot.descending;
    slot.b = b;
    return slot.descending;
  }

 private:
  static constexpr int kLogSlots = 8;
  struct Slot {
    const float* b = nullptr;
    bool descending = false;
  };
  Slot slots_[size_t(1) << kLogSlots];
};

// The calling thread's table (each pool thread keeps its own: it streams its own share).
inline PassDirections& pass_directions() {
  static thread_local PassDirections directions;
  return directions;
}

}  // namespace tsjit
