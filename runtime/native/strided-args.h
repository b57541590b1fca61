// The layout argument of the strided entry points, checked: an Int32Array
//   [rank, shape[0..rank), then per operand: offset, strides[0..rank)]
// with the output last. Every operand's reachable indices (negative strides included)
// must lie inside its typed array, the output must be dense (row-major over the shape)
// and an input may share the output's memory only as an exact alias (same first
// element, same strides). A violation throws a JS RangeError/TypeError.
#pragma once
#include <napi.h>
#include <cstdint>
#include "strided.h"

namespace tsjit {

// where(condition, a, b, out) has 4; fused_pointwise up to kMaxFusedInputs + 1.
constexpr int kMaxOperands = 9;

// One operand's typed array as the layout check sees it.
struct OperandMemory {
  const char* name;
  const void* data;
  size_t length;     // elements
  size_t elem_size;  // bytes
};

namespace detail {
void read_layout(const Napi::CallbackInfo& info, size_t i, const char* fn, int operands, int& rank, int64_t* shape,
                 int64_t* offsets, int64_t (*strides)[kMaxRank]);
void check_layout(Napi::Env env, const char* fn, int operands, int rank, const int64_t* shape, const int64_t* offsets,
                  const int64_t (*strides)[kMaxRank], const OperandMemory* memory);
}  // namespace detail

// The checked, coalesced plan; memory[K - 1] is the output.
template <int K>
StridedPlan<K> layout_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const OperandMemory (&memory)[K]) {
  static_assert(K >= 1 && K <= kMaxOperands, "operand count");
  StridedPlan<K> p;
  detail::read_layout(info, i, fn, K, p.rank, p.shape, p.offset, p.stride);
  detail::check_layout(info.Env(), fn, K, p.rank, p.shape, p.offset, p.stride, memory);
  coalesce(p);
  return p;
}

}  // namespace tsjit
