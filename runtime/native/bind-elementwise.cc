// binary(...), unary(...), compare(...) and where(...) over strided float32 operands
// (strided.h): broadcast (stride 0) and any strides, out dense or an exact alias of an input.
#include <algorithm>
#include <cmath>
#include "args.h"
#include "bindings.h"
#include "strided-args.h"

namespace tsjit {
namespace {

// Rows whose operands are neither contiguous nor broadcast are gathered into blocks of
// this many floats on the stack, so the contiguous kernels run on them too.
constexpr int64_t kBlock = 256;

void gather(const float* x, int64_t stride, int64_t n, float* to) {
  for (int64_t i = 0; i < n; i++) to[i] = x[i * stride];
}

// out[0, n) = op(a[i * as], b[i * bs]).
void binary_row(const IsaKernels& isa, int op, const float* a, int64_t as, const float* b, int64_t bs, float* out,
                int64_t n, double alpha) {
  const bool gather_b = bs != 0 && bs != 1;
  // The kernels take at most one broadcast operand: when both are, a is spread out.
  const bool gather_a = (as != 0 && as != 1) || (as == 0 && bs == 0);
  if (!gather_a && !gather_b) {
    isa.vbinary(op, size_t(n), a, size_t(as), b, size_t(bs), out, alpha);
    return;
  }
  float a_block[kBlock], b_block[kBlock];
  for (int64_t s = 0; s < n; s += kBlock) {
    const int64_t len = std::min(kBlock, n - s);
    if (gather_a) gather(a + s * as, as, len, a_block);
    if (gather_b) gather(b + s * bs, bs, len, b_block);
    isa.vbinary(op, size_t(len), gather_a ? a_block : a + s * as, gather_a ? 1 : size_t(as),
                gather_b ? b_block : b + s * bs, gather_b ? 1 : size_t(bs), out + s, alpha);
  }
}

// out[0, n) = op(x[i * xs]).
void unary_row(const IsaKernels& isa, int op, const float* x, int64_t xs, float* out, int64_t n, const double* params) {
  if (xs == 1) {
    isa.vunary(op, size_t(n), x, out, params);
  } else if (xs == 0) {
    isa.vunary(op, 1, x, out, params);
    std::fill(out + 1, out + n, out[0]);
  } else {
    float block[kBlock];
    for (int64_t s = 0; s < n; s += kBlock) {
      const int64_t len = std::min(kBlock, n - s);
      gather(x + s * xs, xs, len, block);
      isa.vunary(op, size_t(len), block, out + s, params);
    }
  }
}

// out[0, n) = a[i * as] OP b[i * bs] as 0/1, with the forms the compiler vectorizes spelled out.
template <class Cmp>
void compare_row(const float* a, int64_t as, const float* b, int64_t bs, uint8_t* out, int64_t n, Cmp cmp) {
  if (as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = cmp(a[i], b[i]);
  } else if (as == 1 && bs == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = cmp(a[i], y);
  } else if (as == 0 && bs == 1) {
    const float x = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = cmp(x, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = cmp(a[i * as], b[i * bs]);
  }
}

// IEEE comparisons, as JS's: every one but != is false when either side is NaN.
enum CompareOp : int { kEq, kNe, kLt, kLe, kGt, kGe, kCompareOpCount };

template <class Row>
void with_comparison(int op, Row&& row) {
  switch (op) {
    case kEq: return row([](float x, float y) -> uint8_t { return x == y; });
    case kNe: return row([](float x, float y) -> uint8_t { return x != y; });
    case kLt: return row([](float x, float y) -> uint8_t { return x < y; });
    case kLe: return row([](float x, float y) -> uint8_t { return x <= y; });
    case kGt: return row([](float x, float y) -> uint8_t { return x > y; });
    case kGe: return row([](float x, float y) -> uint8_t { return x >= y; });
  }
}

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  float_arg(info, i, fn, name);
  return info[i].As<Napi::Number>().DoubleValue();
}

Napi::Uint8Array u8_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a Uint8Array");
  }
  return info[i].As<Napi::Uint8Array>();
}

OperandMemory f32_memory(const char* name, const Napi::Float32Array& a) {
  return {name, a.Data(), a.ElementLength(), sizeof(float)};
}

// binary(op, alpha, layout, a, b, out); op: kernels.h BinaryOp; layout: strided-args.h.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "binary";
  expect_arg_count(info, fn, 6);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op >= kBinaryOpCount) throw_range(env, fn, "unknown op code " + std::to_string(op));
  const double alpha = number_arg(info, 1, fn, "alpha");
  Napi::Float32Array a = f32_arg(info, 3, fn, "a");
  Napi::Float32Array b = f32_arg(info, 4, fn, "b");
  Napi::Float32Array out = f32_arg(info, 5, fn, "out");
  const StridedPlan<3> plan = layout_arg<3>(info, 2, fn, {f32_memory("a", a), f32_memory("b", b), f32_memory("out", out)});
  const float* pa = a.Data();
  const float* pb = b.Data();
  float* po = out.Data();
  const IsaKernels& isa = active_isa();
  for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) {
    binary_row(isa, int(op), pa + off[0], st[0], pb + off[1], st[1], po + off[2], n, alpha);
  });
  return env.Undefined();
}

// unary(op, param0, param1, layout, x, out); op: kernels.h UnaryOp.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "unary";
  expect_arg_count(info, fn, 6);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op >= kUnaryOpCount) throw_range(env, fn, "unknown op code " + std::to_string(op));
  const double params[2] = {number_arg(info, 1, fn, "param0"), number_arg(info, 2, fn, "param1")};
  if (op == kClamp && (std::isnan(params[0]) || std::isnan(params[1]))) throw_range(env, fn, "clamp bounds must not be NaN");
  Napi::Float32Array x = f32_arg(info, 4, fn, "x");
  Napi::Float32Array out = f32_arg(info, 5, fn, "out");
  const StridedPlan<2> plan = layout_arg<2>(info, 3, fn, {f32_memory("x", x), f32_memory("out", out)});
  const float* px = x.Data();
  float* po = out.Data();
  const IsaKernels& isa = active_isa();
  for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) {
    unary_row(isa, int(op), px + off[0], st[0], po + off[1], n, params);
  });
  return env.Undefined();
}

// compare(op, layout, a, b, out): out = a OP b as 0/1 in a Uint8Array (bool); op: CompareOp.
Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "compare";
  expect_arg_count(info, fn, 5);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op >= kCompareOpCount) throw_range(env, fn, "unknown op code " + std::to_string(op));
  Napi::Float32Array a = f32_arg(info, 2, fn, "a");
  Napi::Float32Array b = f32_arg(info, 3, fn, "b");
  Napi::Uint8Array out = u8_arg(info, 4, fn, "out");
  const StridedPlan<3> plan =
      layout_arg<3>(info, 1, fn, {f32_memory("a", a), f32_memory("b", b), {"out", out.Data(), out.ElementLength(), 1}});
  const float* pa = a.Data();
  const float* pb = b.Data();
  uint8_t* po = out.Data();
  with_comparison(int(op), [&](auto cmp) {
    for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) {
      compare_row(pa + off[0], st[0], pb + off[1], st[1], po + off[2], n, cmp);
    });
  });
  return env.Undefined();
}

// where(layout, condition, a, b, out): out = condition != 0 ? a : b; condition a Uint8Array (bool).
Napi::Value Where(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "where";
  expect_arg_count(info, fn, 5);
  Napi::Uint8Array cond = u8_arg(info, 1, fn, "condition");
  Napi::Float32Array a = f32_arg(info, 2, fn, "a");
  Napi::Float32Array b = f32_arg(info, 3, fn, "b");
  Napi::Float32Array out = f32_arg(info, 4, fn, "out");
  const StridedPlan<4> plan = layout_arg<4>(
      info, 0, fn,
      {{"condition", cond.Data(), cond.ElementLength(), 1}, f32_memory("a", a), f32_memory("b", b), f32_memory("out", out)});
  const uint8_t* pc = cond.Data();
  const float* pa = a.Data();
  const float* pb = b.Data();
  float* po = out.Data();
  for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) {
    const uint8_t* c = pc + off[0];
    const float* x = pa + off[1];
    const float* y = pb + off[2];
    float* o = po + off[3];
    const int64_t cs = st[0], xs = st[1], ys = st[2];
    for (int64_t i = 0; i < n; i++) o[i] = c[i * cs] != 0 ? x[i * xs] : y[i * ys];
  });
  return env.Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("compare", Napi::Function::New(env, Compare));
  exports.Set("where", Napi::Function::New(env, Where));
}

}  // namespace tsjit
