// conv2d(...), maxPool2d(...), avgPool2d(...), adaptiveAvgPool2d(...) over float32
// [N, C, H, W] views. Each view is passed as 10 arguments: (storage, offset, d0, d1,
// d2, d3, s0, s1, s2, s3); every element its shape and strides reach must lie inside
// its storage, out must not overlap an input, and the params must match the shapes.
#include <algorithm>
#include <string>
#include "args.h"
#include "bindings.h"
#include "f32-conv/f32-conv.h"
#include "f32-conv/f32-conv-maxpool.h"
#include "sgemm.h"
#include "f32-pool/f32-pool.h"

namespace tsjit {
namespace {

constexpr size_t kViewArgs = 10;

struct ViewArg {
  float* data;  // element [0, 0, 0, 0]
  int64_t dim[4], stride[4];
  ByteRange span;
  View4<const float> in() const { return {data, {dim[0], dim[1], dim[2], dim[3]}, {stride[0], stride[1], stride[2], stride[3]}}; }
  View4<float> out() const { return {data, {dim[0], dim[1], dim[2], dim[3]}, {stride[0], stride[1], stride[2], stride[3]}}; }
};

// A view argument's name and those of its 9 numbers, for error messages: built once,
// not on every call.
struct ViewNames {
  std::string name, offset, dim[4], stride[4];
  explicit ViewNames(const std::string& view) : name(view), offset(view + "Offset") {
    for (int d = 0; d < 4; d++) {
      dim[d] = view + " dim " + std::to_string(d);
      stride[d] = view + " stride " + std::to_string(d);
    }
  }
};
const ViewNames kInput("input"), kWeight("weight"), kOut("out");

ViewArg view_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const ViewNames& names) {
  const std::string& name = names.name;
  Napi::Float32Array storage = f32_arg(info, i, fn, name.c_str());
  const int64_t offset = int_arg(info, i + 1, fn, names.offset.c_str(), true);
  ViewArg v{};
  int64_t lo = offset, hi = offset;
  bool empty = false;
  for (int d = 0; d < 4; d++) {
    v.dim[d] = int_arg(info, i + 2 + d, fn, names.dim[d].c_str(), true);
    v.stride[d] = int_arg(info, i + 6 + d, fn, names.stride[d].c_str(), false);
    empty = empty || v.dim[d] == 0;
    (v.stride[d] < 0 ? lo : hi) += (std::max<int64_t>(v.dim[d], 1) - 1) * v.stride[d];
  }
  const int64_t length = int64_t(storage.ElementLength());
  if (!empty && (lo < 0 || hi >= length)) {
    throw_range(info.Env(), fn,
                name + ": shape [" + std::to_string(v.dim[0]) + ", " + std::to_string(v.dim[1]) + ", " +
                    std::to_string(v.dim[2]) + ", " + std::to_string(v.dim[3]) + "] at offset " + std::to_string(offset) +
                    " with strides (" + std::to_string(v.stride[0]) + ", " + std::to_string(v.stride[1]) + ", " +
                    std::to_string(v.stride[2]) + ", " + std::to_string(v.stride[3]) + ") reaches indices [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "], outside its Float32Array of length " +
                    std::to_string(length));
  }
  // An empty view touches nothing; its pointer is never read.
  v.data = empty ? storage.Data() : storage.Data() + offset;
  if (!empty) {
    v.span.lo = reinterpret_cast<const char*>(storage.Data() + lo);
    v.span.hi = reinterpret_cast<const char*>(storage.Data() + hi + 1);
  }
  return v;
}

// Throws fn's RangeError with message() unless ok; the message is built only then.
template <class Message>
void expect(Napi::Env env, const char* fn, bool ok, Message&& message) {
  if (!ok) throw_range(env, fn, std::string(message()));
}

void expect_at_least(Napi::Env env, const char* fn, const char* name, int64_t v, int64_t min) {
  expect(env, fn, v >= min, [&] { return std::string(name) + " must be >= " + std::to_string(min) + ", got " + std::to_string(v); });
}

void expect_disjoint(Napi::Env env, const char* fn, const ByteRange& out, const ByteRange& in, const char* name) {
  expect(env, fn, !out.overlaps(in), [&] { return std::string("out overlaps ") + name; });
}

// out_size is a convolution output size for this input, kernel and leading padding
// under some trailing padding in [0, max(pad, dilation * (kernel - 1))] (explicit
// padding, or padding="same").
bool conv_size_ok(int64_t size, int64_t out_size, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation) {
  const int64_t min_after = (out_size - 1) * stride + dilation * (kernel - 1) + 1 - size - pad;
  return min_after + stride - 1 >= 0 && min_after <= std::max(pad, dilation * (kernel - 1));
}

// PyTorch's pooling output size, with or without ceil_mode.
int64_t pooled_size(int64_t size, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  const int64_t span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= size + pad) out--;
  return out;
}

enum class ConvEpilogue { kNone, kActivation, kActivationMaxPool2x2 };

// conv2d(input x10, weight x10, bias, biasOffset, biasStride, out x10, strideH, strideW,
//        padH, padW, dilationH, dilationW, groups); bias may be null.
// conv2dActivation(the same arguments, activation): the result through a UnaryOp without
// parameters (relu, tanh, sigmoid, gelu, gelu_tanh, silu); out.stride[3] must be 1.
// conv2dActivationMaxPool2x2(the same arguments, activation, convH, convW): that result,
// [N, O, convH, convW], max-pooled over 2x2 windows with stride 2 into out
// [N, O, convH / 2, convW / 2] of any strides.
Napi::Value Conv2dCall(const Napi::CallbackInfo& info, ConvEpilogue epilogue) {
  Napi::Env env = info.Env();
  const bool with_activation = epilogue != ConvEpilogue::kNone, pooled = epilogue == ConvEpilogue::kActivationMaxPool2x2;
  const char* fn = pooled ? "conv2dActivationMaxPool2x2" : with_activation ? "conv2dActivation" : "conv2d";
  expect_arg_count(info, fn, 3 * kViewArgs + 10 + (with_activation ? 1 : 0) + (pooled ? 2 : 0));
  const ViewArg in = view_arg(info, 0, fn, kInput);
  const ViewArg w = view_arg(info, kViewArgs, fn, kWeight);
  const size_t b = 2 * kViewArgs;
  const ViewArg out = view_arg(info, b + 3, fn, kOut);
  const size_t q = b + 3 + kViewArgs;
  ConvParams p{};
  p.stride_h = int_arg(info, q, fn, "strideH", false);
  p.stride_w = int_arg(info, q + 1, fn, "strideW", false);
  p.pad_h = int_arg(info, q + 2, fn, "padH", true);
  p.pad_w = int_arg(info, q + 3, fn, "padW", true);
  p.dilation_h = int_arg(info, q + 4, fn, "dilationH", false);
  p.dilation_w = int_arg(info, q + 5, fn, "dilationW", false);
  p.groups = int_arg(info, q + 6, fn, "groups", false);
  p.activation = -1;
  if (with_activation) {
    const int64_t activation = int_arg(info, q + 7, fn, "activation", true);
    expect(env, fn, is_epilogue_activation(activation),
           [&] { return "activation " + std::to_string(activation) + " is not relu, tanh, sigmoid, gelu, gelu_tanh or silu"; });
    expect(env, fn, pooled || out.stride[3] == 1, [] { return "out's last stride must be 1 with an activation"; });
    p.activation = int(activation);
  }
  // The convolution's output size: out's, or twice out's (plus an odd row or column) when pooled.
  int64_t OH = out.dim[2], OW = out.dim[3];
  if (pooled) {
    OH = int_arg(info, q + 8, fn, "convH", true);
    OW = int_arg(info, q + 9, fn, "convW", true);
    expect(env, fn, out.dim[2] == OH / 2 && out.dim[3] == OW / 2, [&] {
      return "out's spatial size [" + std::to_string(out.dim[2]) + ", " + std::to_string(out.dim[3]) +
             "] is not the 2x2 pooling of the convolution's [" + std::to_string(OH) + ", " + std::to_string(OW) + "]";
    });
  }
  expect_at_least(env, fn, "strideH", p.stride_h, 1);
  expect_at_least(env, fn, "strideW", p.stride_w, 1);
  expect_at_least(env, fn, "dilationH", p.dilation_h, 1);
  expect_at_least(env, fn, "dilationW", p.dilation_w, 1);
  expect_at_least(env, fn, "groups", p.groups, 1);
  expect_at_least(env, fn, "kernel height", w.dim[2], 1);
  expect_at_least(env, fn, "kernel width", w.dim[3], 1);
  const int64_t N = in.dim[0], C = in.dim[1], O = w.dim[0];
  expect(env, fn, out.dim[0] == N && out.dim[1] == O,
         [&] {
           return "out must be [N, O, OH, OW] = [" + std::to_string(N) + ", " + std::to_string(O) + ", ...], got [" +
                  std::to_string(out.dim[0]) + ", " + std::to_string(out.dim[1]) + ", ...]";
         });
  expect(env, fn, C == w.dim[1] * p.groups && O % p.groups == 0,
         [&] {
           return "groups (" + std::to_string(p.groups) + ") must divide the output channels (" + std::to_string(O) +
                  ") and the input channels (" + std::to_string(C) + ") must be groups x weight dim 1 (" +
                  std::to_string(w.dim[1]) + ")";
         });
  expect(env, fn, conv_size_ok(in.dim[2], OH, w.dim[2], p.stride_h, p.pad_h, p.dilation_h) &&
                      conv_size_ok(in.dim[3], OW, w.dim[3], p.stride_w, p.pad_w, p.dilation_w),
         [&] {
           return std::string(pooled ? "the convolution's" : "out's") + " spatial size [" + std::to_string(OH) + ", " +
                  std::to_string(OW) + "] does not follow from input [" + std::to_string(in.dim[2]) + ", " +
                  std::to_string(in.dim[3]) + "], kernel, stride, padding and dilation";
         });
  expect(env, fn, pooled || out.dim[2] <= 1 || out.stride[2] == out.dim[3] * out.stride[3],
         [] { return "out's [OH, OW] must be one run (stride 2 == OW x stride 3)"; });
  const float* bias = nullptr;
  int64_t bias_stride = 0;
  ByteRange bias_span;
  if (!info[b].IsNull()) {
    Napi::Float32Array bias_array = f32_arg(info, b, fn, "bias");
    const int64_t bias_offset = int_arg(info, b + 1, fn, "biasOffset", true);
    bias_stride = int_arg(info, b + 2, fn, "biasStride", false);
    check_matrix(env, fn, "bias", 1, O, bias_offset, 0, bias_stride, bias_array.ElementLength());
    if (O > 0) {
      bias = bias_array.Data() + bias_offset;
      const float* last = bias + (O - 1) * bias_stride;
      bias_span.lo = reinterpret_cast<const char*>(std::min(bias, last));
      bias_span.hi = reinterpret_cast<const char*>(std::max(bias, last) + 1);
    }
  }
  expect_disjoint(env, fn, out.span, in.span, "input");
  expect_disjoint(env, fn, out.span, w.span, "weight");
  expect_disjoint(env, fn, out.span, bias_span, "bias");
  if (pooled) {
    conv2d_max_pool_2x2_f32(active_isa(), in.in(), w.in(), bias, bias_stride, OH, OW, out.out(), p);
  } else {
    conv2d_f32(active_isa(), in.in(), w.in(), bias, bias_stride, out.out(), p);
  }
  return env.Undefined();
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) { return Conv2dCall(info, ConvEpilogue::kNone); }
Napi::Value Conv2dActivation(const Napi::CallbackInfo& info) { return Conv2dCall(info, ConvEpilogue::kActivation); }
Napi::Value Conv2dActivationMaxPool2x2(const Napi::CallbackInfo& info) {
  return Conv2dCall(info, ConvEpilogue::kActivationMaxPool2x2);
}

// The window arguments shared by the pooling entry points, from argument `q` on.
PoolWindow window_args(const Napi::CallbackInfo& info, size_t q, const char* fn) {
  Napi::Env env = info.Env();
  PoolWindow w{};
  w.kernel_h = int_arg(info, q, fn, "kernelH", false);
  w.kernel_w = int_arg(info, q + 1, fn, "kernelW", false);
  w.stride_h = int_arg(info, q + 2, fn, "strideH", false);
  w.stride_w = int_arg(info, q + 3, fn, "strideW", false);
  w.pad_h = int_arg(info, q + 4, fn, "padH", true);
  w.pad_w = int_arg(info, q + 5, fn, "padW", true);
  expect_at_least(env, fn, "kernelH", w.kernel_h, 1);
  expect_at_least(env, fn, "kernelW", w.kernel_w, 1);
  expect_at_least(env, fn, "strideH", w.stride_h, 1);
  expect_at_least(env, fn, "strideW", w.stride_w, 1);
  expect(env, fn, 2 * w.pad_h <= w.kernel_h && 2 * w.pad_w <= w.kernel_w, [] { return "padding must be at most half the kernel"; });
  return w;
}

void expect_pooled(Napi::Env env, const char* fn, const ViewArg& in, const ViewArg& out, const PoolWindow& w,
                   int64_t dilation_h, int64_t dilation_w) {
  expect(env, fn, out.dim[0] == in.dim[0] && out.dim[1] == in.dim[1], [] { return "out's [N, C] must be input's"; });
  auto fits = [](int64_t size, int64_t out_size, int64_t k, int64_t pad, int64_t stride, int64_t dilation) {
    return out_size == pooled_size(size, k, pad, stride, dilation, false) ||
           out_size == pooled_size(size, k, pad, stride, dilation, true);
  };
  expect(env, fn, fits(in.dim[2], out.dim[2], w.kernel_h, w.pad_h, w.stride_h, dilation_h) &&
                      fits(in.dim[3], out.dim[3], w.kernel_w, w.pad_w, w.stride_w, dilation_w),
         [&] {
           return "out's spatial size [" + std::to_string(out.dim[2]) + ", " + std::to_string(out.dim[3]) +
                  "] does not follow from input [" + std::to_string(in.dim[2]) + ", " + std::to_string(in.dim[3]) +
                  "] and the window";
         });
  expect_disjoint(env, fn, out.span, in.span, "input");
}

// maxPool2d(input x10, out x10, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW)
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "maxPool2d";
  expect_arg_count(info, fn, 2 * kViewArgs + 8);
  const ViewArg in = view_arg(info, 0, fn, kInput);
  const ViewArg out = view_arg(info, kViewArgs, fn, kOut);
  const PoolWindow w = window_args(info, 2 * kViewArgs, fn);
  const int64_t dilation_h = int_arg(info, 2 * kViewArgs + 6, fn, "dilationH", false);
  const int64_t dilation_w = int_arg(info, 2 * kViewArgs + 7, fn, "dilationW", false);
  expect_at_least(env, fn, "dilationH", dilation_h, 1);
  expect_at_least(env, fn, "dilationW", dilation_w, 1);
  expect_pooled(env, fn, in, out, w, dilation_h, dilation_w);
  max_pool2d_f32(active_isa(), in.in(), out.out(), w, dilation_h, dilation_w);
  return env.Undefined();
}

// avgPool2d(input x10, out x10, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, divisorOverride)
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "avgPool2d";
  expect_arg_count(info, fn, 2 * kViewArgs + 8);
  const ViewArg in = view_arg(info, 0, fn, kInput);
  const ViewArg out = view_arg(info, kViewArgs, fn, kOut);
  const PoolWindow w = window_args(info, 2 * kViewArgs, fn);
  const int64_t count_include_pad = int_arg(info, 2 * kViewArgs + 6, fn, "countIncludePad", true);
  const int64_t divisor_override = int_arg(info, 2 * kViewArgs + 7, fn, "divisorOverride", false);
  expect(env, fn, count_include_pad <= 1, [&] { return "countIncludePad must be 0 or 1, got " + std::to_string(count_include_pad); });
  expect_pooled(env, fn, in, out, w, 1, 1);
  avg_pool2d_f32(in.in(), out.out(), w, count_include_pad == 1, divisor_override);
  return env.Undefined();
}

// adaptiveAvgPool2d(input x10, out x10)
Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "adaptiveAvgPool2d";
  expect_arg_count(info, fn, 2 * kViewArgs);
  const ViewArg in = view_arg(info, 0, fn, kInput);
  const ViewArg out = view_arg(info, kViewArgs, fn, kOut);
  expect(env, fn, out.dim[0] == in.dim[0] && out.dim[1] == in.dim[1], [] { return "out's [N, C] must be input's"; });
  expect_disjoint(env, fn, out.span, in.span, "input");
  adaptive_avg_pool2d_f32(in.in(), out.out());
  return env.Undefined();
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("conv2dActivation", Napi::Function::New(env, Conv2dActivation));
  exports.Set("conv2dActivationMaxPool2x2", Napi::Function::New(env, Conv2dActivationMaxPool2x2));
  exports.Set("maxPool2d", Napi::Function::New(env, MaxPool2d));
  exports.Set("avgPool2d", Napi::Function::New(env, AvgPool2d));
  exports.Set("adaptiveAvgPool2d", Napi::Function::New(env, AdaptiveAvgPool2d));
}

}  // namespace tsjit
