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

// A rows x cols matrix at `offset` with the given strides must lie inside `length`.
void check_matrix(Napi::Env env, const char* fn, const char* name, int64_t rows, int64_t cols, int64_t offset,
                  int64_t rs, int64_t cs, size_t length);
// n contiguous elements from offset must lie inside `length`.
void check_span(Napi::Env env, const char* fn, const char* name, int64_t offset, int64_t n, size_t length);

}  // namespace tsjit
