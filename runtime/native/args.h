// Argument checks shared by the N-API entry points (bind-*.cc). Each throws a JS
// TypeError or RangeError naming the function, the argument and the numbers; a
// kernel only ever sees arguments that passed them.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>

namespace tsjit {

[[noreturn]] void throw_range(Napi::Env env, const std::string& fn, const std::string& msg);
void expect_arg_count(const Napi::CallbackInfo& info, const char* fn, size_t count);

// An integer of magnitude < 2^31 (so that index arithmetic fits int64).
int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool non_negative);
float float_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name);
Napi::Float32Array f32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name);
// A Float32Array holding n floats from offset, or null (an absent operand).
const float* optional_f32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t offset,
                          int64_t n);

// Note [One call per array]: f32_arg costs three N-API calls and a number two; on a
// small product, reading twenty arguments so took longer than the kernel. The entry
// points called once per op (sgemmFused) read each array with one call
// (napi_get_typedarray_info) and their numbers from one Float64Array.
struct F32Span {
  float* data;
  size_t length;
  bool present;  // false: the argument was null
};
// A Float32Array, or (when nullable) null.
F32Span f32_span(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool nullable);
// A Float64Array of exactly `count` numbers (the `names` of its entries are for messages).
const double* number_array(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t count);
// Entry k of a number_array, checked as int_arg checks an argument.
int64_t int_entry(Napi::Env env, const double* numbers, size_t k, const char* fn, const char* name, bool non_negative);

// The bytes an operand's elements span (null: none, an empty operand), for the checks
// that an output overlaps no input.
struct ByteRange {
  const char* lo = nullptr;
  const char* hi = nullptr;  // one past the last byte
  bool overlaps(const ByteRange& o) const { return lo != nullptr && o.lo != nullptr && lo < o.hi && o.lo < hi; }
};

// A rows x cols matrix at `offset` with the given strides must lie inside `length`.
void check_matrix(Napi::Env env, const char* fn, const char* name, int64_t rows, int64_t cols, int64_t offset,
                  int64_t rs, int64_t cs, size_t length);
// n contiguous elements from offset must lie inside `length`.
void check_span(Napi::Env env, const char* fn, const char* name, int64_t offset, int64_t n, size_t length);

}  // namespace tsjit
