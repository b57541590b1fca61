#include "args.h"
#include <cmath>

namespace tsjit {

namespace {
constexpr double kMaxDim = double(1ull << 31);

[[noreturn]] void throw_type(Napi::Env env, const char* fn, const std::string& msg) {
  throw Napi::TypeError::New(env, std::string("tsjit native ") + fn + "(): " + msg);
}
}  // namespace

void throw_range(Napi::Env env, const std::string& fn, const std::string& msg) {
  throw Napi::RangeError::New(env, "tsjit native " + fn + "(): " + msg);
}

void expect_arg_count(const Napi::CallbackInfo& info, const char* fn, size_t count) {
  if (info.Length() != count) {
    throw_type(info.Env(), fn, "expected " + std::to_string(count) + " arguments, got " + std::to_string(info.Length()));
  }
}

namespace {
int64_t checked_int(Napi::Env env, double v, const char* fn, const char* name, bool non_negative) {
  // The common case in three compares (false for NaN), no libm call: kernels read ~15 per call.
  if (v > -kMaxDim && v < kMaxDim && double(int64_t(v)) == v && (!non_negative || v >= 0)) return int64_t(v);
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) >= kMaxDim) {
    throw_range(env, fn, std::string(name) + " must be an integer of magnitude < 2^31, got " + std::to_string(v));
  }
  if (non_negative && v < 0) throw_range(env, fn, std::string(name) + " must be >= 0, got " + std::to_string(v));
  return int64_t(v);
}

// The typed array at argument i, with one N-API call; false when it is not one.
bool typed_array_at(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type* type, size_t* length, void** data) {
  if (i >= info.Length()) return false;
  napi_value buffer;
  size_t byte_offset;
  return napi_get_typedarray_info(info.Env(), info[i], type, length, data, &buffer, &byte_offset) == napi_ok;
}
}  // namespace

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool non_negative) {
  if (i >= info.Length() || !info[i].IsNumber()) throw_type(info.Env(), fn, std::string(name) + " must be a number");
  return checked_int(info.Env(), info[i].As<Napi::Number>().DoubleValue(), fn, name, non_negative);
}

F32Span f32_span(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool nullable) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (typed_array_at(info, i, &type, &length, &data) && type == napi_float32_array) return {static_cast<float*>(data), length, true};
  if (nullable && i < info.Length() && info[i].IsNull()) return {nullptr, 0, false};
  throw_type(info.Env(), fn, std::string(name) + (nullable ? " must be a Float32Array or null" : " must be a Float32Array"));
}

const double* number_array(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t count) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!typed_array_at(info, i, &type, &length, &data) || type != napi_float64_array) {
    throw_type(info.Env(), fn, std::string(name) + " must be a Float64Array");
  }
  if (length != count) {
    throw_range(info.Env(), fn, std::string(name) + " must hold " + std::to_string(count) + " numbers, got " + std::to_string(length));
  }
  return static_cast<const double*>(data);
}

int64_t int_entry(Napi::Env env, const double* numbers, size_t k, const char* fn, const char* name, bool non_negative) {
  return checked_int(env, numbers[k], fn, name, non_negative);
}

float float_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) throw_type(info.Env(), fn, std::string(name) + " must be a number");
  return float(info[i].As<Napi::Number>().DoubleValue());
}

Napi::Float32Array f32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw_type(info.Env(), fn, std::string(name) + " must be a Float32Array");
  }
  return info[i].As<Napi::Float32Array>();
}

const float* optional_f32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t offset,
                          int64_t n) {
  if (i < info.Length() && info[i].IsNull()) return nullptr;
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw_type(info.Env(), fn, std::string(name) + " must be a Float32Array or null");
  }
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  check_span(info.Env(), fn, name, offset, n, a.ElementLength());
  return a.Data() + offset;
}

void check_matrix(Napi::Env env, const char* fn, const char* name, int64_t rows, int64_t cols, int64_t offset,
                  int64_t rs, int64_t cs, size_t length) {
  if (rows == 0 || cols == 0) return;
  int64_t lo = offset, hi = offset;
  (rs < 0 ? lo : hi) += (rows - 1) * rs;
  (cs < 0 ? lo : hi) += (cols - 1) * cs;
  if (lo < 0 || hi >= int64_t(length)) {
    throw_range(env, fn,
                std::string(name) + ": a " + std::to_string(rows) + "x" + std::to_string(cols) + " matrix at offset " +
                    std::to_string(offset) + " with strides (" + std::to_string(rs) + ", " + std::to_string(cs) +
                    ") reaches indices [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "], outside its Float32Array of length " + std::to_string(length));
  }
}

void check_span(Napi::Env env, const char* fn, const char* name, int64_t offset, int64_t n, size_t length) {
  if (n == 0) return;
  if (offset + n > int64_t(length)) {
    throw_range(env, fn,
                std::string(name) + ": " + std::to_string(n) + " elements at offset " + std::to_string(offset) +
                    " overrun its Float32Array of length " + std::to_string(length));
  }
}

}  // namespace tsjit
