// reduce / moments / argReduce over any strided float32 layout, softmaxColumns
// (softmax along a middle dim), cumsum and normalizePlanes (the affine step of batch_norm and
// group_norm). A layout is the input's kept dims and reduced dims as lists of sizes
// and strides (f32-reduce/reduce-driver.h); every index it reaches is checked here.
#include <cmath>
#include <string>
#include <vector>
#include "args.h"
#include "bindings.h"
#include "f32-reduce/reduce-driver.h"

namespace tsjit {
namespace {

std::vector<int64_t> int_list(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool positive) {
  if (i >= info.Length() || !info[i].IsArray()) throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be an array of integers");
  Napi::Array a = info[i].As<Napi::Array>();
  if (a.Length() > uint32_t(kMaxReduceRank)) {
    throw_range(info.Env(), fn, std::string(name) + " has " + std::to_string(a.Length()) + " entries, more than " + std::to_string(kMaxReduceRank));
  }
  std::vector<int64_t> out;
  for (uint32_t k = 0; k < a.Length(); k++) {
    Napi::Value v = a.Get(k);
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) >= double(1ull << 31) || (positive && d < 1)) {
      throw_range(info.Env(), fn, std::string(name) + "[" + std::to_string(k) + "] must be an integer" + (positive ? " >= 1" : "") + " of magnitude < 2^31");
    }
    out.push_back(int64_t(d));
  }
  return out;
}

Napi::Float64Array f64_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a Float64Array");
  }
  return info[i].As<Napi::Float64Array>();
}

// Every index offset + Σ i_d * strides[d] (0 <= i_d < shape[d]) must lie in [0, length).
void check_reach(Napi::Env env, const char* fn, const char* name, int64_t offset, const std::vector<int64_t>& shape,
                 const std::vector<int64_t>& strides, size_t length) {
  __int128 lo = offset, hi = offset;
  for (size_t d = 0; d < shape.size(); d++) {
    const __int128 span = __int128(shape[d] - 1) * strides[d];
    (span < 0 ? lo : hi) += span;
  }
  if (lo < 0 || hi >= __int128(length)) {
    throw_range(env, fn, std::string(name) + ": the layout at offset " + std::to_string(offset) + " reaches indices [" +
                             std::to_string(int64_t(lo)) + ", " + std::to_string(int64_t(hi)) + "], outside its array of length " + std::to_string(length));
  }
}

// A layout from (offset, keptShape, keptStrides, redShape, redStrides) at args[i..i+4], inside x.
ReduceLayout layout_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, size_t x_length) {
  Napi::Env env = info.Env();
  ReduceLayout l;
  l.offset = int_arg(info, i, fn, "xOffset", true);
  l.kept_shape = int_list(info, i + 1, fn, "keptShape", true);
  l.kept_strides = int_list(info, i + 2, fn, "keptStrides", false);
  l.red_shape = int_list(info, i + 3, fn, "reducedShape", true);
  l.red_strides = int_list(info, i + 4, fn, "reducedStrides", false);
  if (l.kept_shape.size() != l.kept_strides.size() || l.red_shape.size() != l.red_strides.size()) {
    throw_range(env, fn, "each shape needs one stride per dim");
  }
  double elements = 1.0;
  for (int64_t s : l.kept_shape) elements *= double(s);
  for (int64_t s : l.red_shape) elements *= double(s);
  if (elements > 9007199254740992.0) throw_range(env, fn, "the layout has more than 2^53 elements");
  std::vector<int64_t> shape = l.kept_shape, strides = l.kept_strides;
  shape.insert(shape.end(), l.red_shape.begin(), l.red_shape.end());
  strides.insert(strides.end(), l.red_strides.begin(), l.red_strides.end());
  check_reach(env, fn, "x", l.offset, shape, strides, x_length);
  return l;
}

// Output strides for the kept dims: one per kept dim, and the layout inside `length`.
std::vector<int64_t> out_strides_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                                     const ReduceLayout& l, int64_t offset, size_t length) {
  std::vector<int64_t> strides = int_list(info, i, fn, name, false);
  if (strides.size() != l.kept_shape.size()) throw_range(info.Env(), fn, std::string(name) + " needs one stride per kept dim");
  check_reach(info.Env(), fn, name, offset, l.kept_shape, strides, length);
  return strides;
}

template <class T>
void store(const std::vector<double>& values, const ReduceLayout& l, T* out, const std::vector<int64_t>& strides) {
  const int rank = int(l.kept_shape.size());
  std::vector<int64_t> idx(rank, 0);
  int64_t o = 0;
  for (size_t k = 0; k < values.size(); k++) {
    out[o] = T(values[k]);
    for (int d = rank - 1; d >= 0; d--) {
      if (++idx[d] < l.kept_shape[d]) {
        o += strides[d];
        break;
      }
      o -= (l.kept_shape[d] - 1) * strides[d];
      idx[d] = 0;
    }
  }
}

enum ReduceOpCode : int64_t { kOpSum, kOpMean, kOpProd, kOpAmax, kOpAmin, kOpLogSumExp, kOpVar, kOpStd, kOpCount };

// reduce(op, correction, x, xOffset, keptShape, keptStrides, reducedShape, reducedStrides, out, outOffset, outStrides):
// op 0 sum, 1 mean, 2 prod, 3 amax, 4 amin, 5 logsumexp, 6 var, 7 std (divisor
// max(0, N - correction)); out gets one float per kept position.
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "reduce";
  expect_arg_count(info, fn, 11);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op >= kOpCount) throw_range(env, fn, "op must be 0..7, got " + std::to_string(op));
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "tsjit native reduce(): correction must be a number");
  const double correction = info[1].As<Napi::Number>().DoubleValue();
  Napi::Float32Array x = f32_arg(info, 2, fn, "x");
  const ReduceLayout l = layout_arg(info, 3, fn, x.ElementLength());
  Napi::Float32Array out = f32_arg(info, 8, fn, "out");
  const int64_t oo = int_arg(info, 9, fn, "outOffset", true);
  const std::vector<int64_t> os = out_strides_arg(info, 10, fn, "outStrides", l, oo, out.ElementLength());
  const ReduceUkernels& uk = *active_isa().reduce;
  std::vector<double> values(size_t(l.kept_count())), m2;
  const double n = double(l.red_count());
  switch (op) {
    case kOpSum:
    case kOpMean:
      reduce_f32(uk, ReduceKind::kSum, x.Data(), l, values.data(), nullptr);
      if (op == kOpMean) for (double& v : values) v /= n;
      break;
    case kOpProd: reduce_f32(uk, ReduceKind::kProd, x.Data(), l, values.data(), nullptr); break;
    case kOpAmax: reduce_f32(uk, ReduceKind::kMax, x.Data(), l, values.data(), nullptr); break;
    case kOpAmin: reduce_f32(uk, ReduceKind::kMin, x.Data(), l, values.data(), nullptr); break;
    case kOpLogSumExp: reduce_f32(uk, ReduceKind::kLogSumExp, x.Data(), l, values.data(), nullptr); break;
    default: {
      m2.resize(values.size());
      reduce_f32(uk, ReduceKind::kMoments, x.Data(), l, values.data(), m2.data());
      const double divisor = std::max(0.0, n - correction);
      for (size_t k = 0; k < values.size(); k++) values[k] = op == kOpStd ? std::sqrt(m2[k] / divisor) : m2[k] / divisor;
    }
  }
  store(values, l, out.Data() + oo, os);
  return env.Undefined();
}

// moments(x, xOffset, keptShape, keptStrides, reducedShape, reducedStrides, mean, m2):
// mean and Σ(x - mean)² per kept position, row-major into the Float64Arrays mean and m2.
Napi::Value Moments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "moments";
  expect_arg_count(info, fn, 8);
  Napi::Float32Array x = f32_arg(info, 0, fn, "x");
  const ReduceLayout l = layout_arg(info, 1, fn, x.ElementLength());
  Napi::Float64Array mean = f64_arg(info, 6, fn, "mean"), m2 = f64_arg(info, 7, fn, "m2");
  const size_t count = size_t(l.kept_count());
  if (mean.ElementLength() != count || m2.ElementLength() != count) {
    throw_range(env, fn, "mean and m2 must hold " + std::to_string(count) + " doubles");
  }
  reduce_f32(*active_isa().reduce, ReduceKind::kMoments, x.Data(), l, mean.Data(), m2.Data());
  return env.Undefined();
}

// argReduce(isMin, x, xOffset, keptShape, keptStrides, reducedShape, reducedStrides,
//           values | null, valuesOffset, valuesStrides, indices, indicesOffset, indicesStrides):
// the row-major position over the reduced dims of each first max (min); indices is a Float64Array.
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "argReduce";
  expect_arg_count(info, fn, 13);
  const int64_t is_min = int_arg(info, 0, fn, "isMin", true);
  if (is_min > 1) throw_range(env, fn, "isMin must be 0 or 1");
  Napi::Float32Array x = f32_arg(info, 1, fn, "x");
  const ReduceLayout l = layout_arg(info, 2, fn, x.ElementLength());
  float* values_out = nullptr;
  std::vector<int64_t> vs;
  if (!info[7].IsNull()) {
    Napi::Float32Array v = f32_arg(info, 7, fn, "values");
    const int64_t vo = int_arg(info, 8, fn, "valuesOffset", true);
    vs = out_strides_arg(info, 9, fn, "valuesStrides", l, vo, v.ElementLength());
    values_out = v.Data() + vo;
  }
  Napi::Float64Array indices = f64_arg(info, 10, fn, "indices");
  const int64_t io = int_arg(info, 11, fn, "indicesOffset", true);
  const std::vector<int64_t> is = out_strides_arg(info, 12, fn, "indicesStrides", l, io, indices.ElementLength());
  std::vector<double> values(size_t(l.kept_count())), where(values.size());
  arg_reduce_f32(*active_isa().reduce, is_min == 1, x.Data(), l, values.data(), where.data());
  if (values_out != nullptr) store(values, l, values_out, vs);
  store(where, l, indices.Data() + io, is);
  return env.Undefined();
}

// x and out of the row-wise kernels below: arguments 0-3 (x, xOffset, out, outOffset),
// n contiguous floats each. The kernels read x in the order they write out, so out may
// be x at the same offset, or apart from it, never overlapping it otherwise.
struct DenseInOut {
  const float* x;
  float* out;
};

DenseInOut dense_in_out(const Napi::CallbackInfo& info, const char* fn, double n) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = f32_arg(info, 0, fn, "x");
  const int64_t xo = int_arg(info, 1, fn, "xOffset", true);
  Napi::Float32Array out = f32_arg(info, 2, fn, "out");
  const int64_t oo = int_arg(info, 3, fn, "outOffset", true);
  if (n > 9007199254740992.0) throw_range(env, fn, "more than 2^53 elements");
  check_span(env, fn, "x", xo, int64_t(n), x.ElementLength());
  check_span(env, fn, "out", oo, int64_t(n), out.ElementLength());
  const float* px = x.Data() + xo;
  float* po = out.Data() + oo;
  if (px != po && px < po + int64_t(n) && po < px + int64_t(n)) throw_range(env, fn, "out overlaps x without being x");
  return {px, po};
}

// softmaxColumns(x, xOffset, out, outOffset, outer, length, inner, log): softmax (log 1:
// log_softmax) along the middle dim of contiguous [outer, length, inner] floats.
Napi::Value SoftmaxColumns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "softmaxColumns";
  expect_arg_count(info, fn, 8);
  const int64_t outer = int_arg(info, 4, fn, "outer", true), length = int_arg(info, 5, fn, "length", true);
  const int64_t inner = int_arg(info, 6, fn, "inner", true), log = int_arg(info, 7, fn, "log", true);
  if (log > 1) throw_range(env, fn, "log must be 0 or 1");
  const double n = double(outer) * double(length) * double(inner);
  const DenseInOut io = dense_in_out(info, fn, n);
  if (n == 0) return env.Undefined();
  softmax_columns_f32(*active_isa().reduce, io.x, io.out, outer, length, inner, log == 1);
  return env.Undefined();
}

// cumsum(x, xOffset, out, outOffset, outer, length, inner): running sums along the
// middle dim of contiguous [outer, length, inner] floats.
Napi::Value Cumsum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "cumsum";
  expect_arg_count(info, fn, 7);
  const int64_t outer = int_arg(info, 4, fn, "outer", true), length = int_arg(info, 5, fn, "length", true);
  const int64_t inner = int_arg(info, 6, fn, "inner", true);
  const double n = double(outer) * double(length) * double(inner);
  const DenseInOut io = dense_in_out(info, fn, n);
  if (n == 0) return env.Undefined();
  cumsum_f32(io.x, io.out, outer, length, inner);
  return env.Undefined();
}

// normalizePlanes(x, xOffset, out, outOffset, planes, planeSize, mean, scale, shift):
// out = (x - mean[p]) * scale[p] + shift[p] over contiguous planes, p = plane % mean.length.
Napi::Value NormalizePlanes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "normalizePlanes";
  expect_arg_count(info, fn, 9);
  const int64_t planes = int_arg(info, 4, fn, "planes", true), plane_size = int_arg(info, 5, fn, "planeSize", true);
  Napi::Float64Array mean = f64_arg(info, 6, fn, "mean"), scale = f64_arg(info, 7, fn, "scale"), shift = f64_arg(info, 8, fn, "shift");
  const int64_t period = int64_t(mean.ElementLength());
  if (period == 0 || int64_t(scale.ElementLength()) != period || int64_t(shift.ElementLength()) != period) {
    throw_range(env, fn, "mean, scale and shift must hold the same number (>= 1) of doubles");
  }
  if (planes % period != 0) throw_range(env, fn, "planes must be a multiple of mean.length");
  const double n = double(planes) * double(plane_size);
  const DenseInOut io = dense_in_out(info, fn, n);
  if (n == 0) return env.Undefined();
  normalize_planes_f32(*active_isa().reduce, io.x, io.out, planes, plane_size, period, mean.Data(),
                       scale.Data(), shift.Data());
  return env.Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("moments", Napi::Function::New(env, Moments));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce));
  exports.Set("softmaxColumns", Napi::Function::New(env, SoftmaxColumns));
  exports.Set("cumsum", Napi::Function::New(env, Cumsum));
  exports.Set("normalizePlanes", Napi::Function::New(env, NormalizePlanes));
}

}  // namespace tsjit
