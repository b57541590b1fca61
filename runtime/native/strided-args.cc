#include "strided-args.h"
#include <string>
#include "args.h"

namespace tsjit {
namespace detail {

void read_layout(const Napi::CallbackInfo& info, size_t i, const char* fn, int operands, int& rank, int64_t* shape,
                 int64_t* offsets, int64_t (*strides)[kMaxRank]) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, std::string("tsjit native ") + fn + "(): layout must be an Int32Array");
  }
  Napi::Int32Array layout = info[i].As<Napi::Int32Array>();
  const size_t length = layout.ElementLength();
  if (length == 0) throw_range(env, fn, "layout is empty");
  const int32_t* v = layout.Data();
  if (v[0] < 0 || v[0] > kMaxRank) {
    throw_range(env, fn, "rank " + std::to_string(v[0]) + " is outside the native kernels' 0.." +
                             std::to_string(kMaxRank));
  }
  rank = v[0];
  const size_t expected = size_t(1 + rank + operands * (1 + rank));
  if (length != expected) {
    throw_range(env, fn, "layout of rank " + std::to_string(rank) + " for " + std::to_string(operands) +
                             " operands needs " + std::to_string(expected) + " entries, got " + std::to_string(length));
  }
  for (int d = 0; d < rank; d++) {
    shape[d] = v[1 + d];
    if (shape[d] < 0) throw_range(env, fn, "shape[" + std::to_string(d) + "] is negative: " + std::to_string(shape[d]));
  }
  for (int k = 0; k < operands; k++) {
    const int32_t* op = v + 1 + rank + k * (1 + rank);
    offsets[k] = op[0];
    for (int d = 0; d < rank; d++) strides[k][d] = op[1 + d];
  }
}

namespace {

// Past any typed array's length; keeps the extent sums far from int64 overflow.
constexpr int64_t kHugeIndex = int64_t(1) << 40;

struct Extent {
  int64_t lo, hi;  // the lowest and highest element index reachable
};

Extent extent(int rank, const int64_t* shape, int64_t offset, const int64_t* strides) {
  Extent e{offset, offset};
  for (int d = 0; d < rank; d++) {
    const int64_t steps = shape[d] - 1;
    if (steps > 0 && (strides[d] > kHugeIndex / steps || -strides[d] > kHugeIndex / steps)) {
      return {strides[d] < 0 ? -kHugeIndex : 0, strides[d] < 0 ? 0 : kHugeIndex};
    }
    (strides[d] < 0 ? e.lo : e.hi) += steps * strides[d];
  }
  return e;
}

std::string describe(int rank, const int64_t* shape, int64_t offset, const int64_t* strides) {
  std::string s = "shape [";
  for (int d = 0; d < rank; d++) s += (d ? ", " : "") + std::to_string(shape[d]);
  s += "] at offset " + std::to_string(offset) + " with strides [";
  for (int d = 0; d < rank; d++) s += (d ? ", " : "") + std::to_string(strides[d]);
  return s + "]";
}

bool same_walk(int rank, const int64_t* shape, const int64_t* a, const int64_t* b) {
  for (int d = 0; d < rank; d++) {
    if (shape[d] > 1 && a[d] != b[d]) return false;
  }
  return true;
}

}  // namespace

void check_layout(Napi::Env env, const char* fn, int operands, int rank, const int64_t* shape, const int64_t* offsets,
                  const int64_t (*strides)[kMaxRank], const OperandMemory* memory) {
  // Shapes are int32s, so up to 8 of them multiply without overflow only as doubles.
  double numel = 1;
  for (int d = 0; d < rank; d++) numel *= double(shape[d]);
  Extent bytes[kMaxOperands];
  for (int k = 0; k < operands; k++) {
    const OperandMemory& m = memory[k];
    if (offsets[k] < 0) throw_range(env, fn, std::string(m.name) + ": negative offset " + std::to_string(offsets[k]));
    if (numel == 0) continue;
    const Extent e = extent(rank, shape, offsets[k], strides[k]);
    if (e.lo < 0 || e.hi >= int64_t(m.length)) {
      throw_range(env, fn,
                  std::string(m.name) + ": " + describe(rank, shape, offsets[k], strides[k]) + " reaches indices [" +
                      std::to_string(e.lo) + ", " + std::to_string(e.hi) + "], outside its array of length " +
                      std::to_string(m.length));
    }
    const int64_t base = int64_t(reinterpret_cast<uintptr_t>(m.data));
    bytes[k] = {base + e.lo * int64_t(m.elem_size), base + (e.hi + 1) * int64_t(m.elem_size) - 1};
  }
  if (numel == 0) return;
  const int out = operands - 1;
  double dense = 1;
  for (int d = rank - 1; d >= 0; d--) {
    if (shape[d] > 1 && double(strides[out][d]) != dense) {
      throw_range(env, fn, std::string("out must be dense (row-major), got ") +
                               describe(rank, shape, offsets[out], strides[out]));
    }
    dense *= double(shape[d]);
  }
  for (int k = 0; k < out; k++) {
    if (bytes[k].hi < bytes[out].lo || bytes[k].lo > bytes[out].hi) continue;
    const bool exact = bytes[k].lo == bytes[out].lo && memory[k].elem_size == memory[out].elem_size &&
                       same_walk(rank, shape, strides[k], strides[out]);
    if (!exact) {
      throw_range(env, fn, std::string(memory[k].name) + " overlaps out without being exactly out (" +
                               describe(rank, shape, offsets[k], strides[k]) + ")");
    }
  }
}

}  // namespace detail
}  // namespace tsjit
