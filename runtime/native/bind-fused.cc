// fusedPointwise(code, numbers, layout, inputs, out): a tsjit::fused_pointwise program
// over strided float32 inputs (broadcast, any strides; strided.h) into a dense out, in
// tiles of kFusedTile elements of each row (f32-fused/). The program arrives encoded
// (runtime/kernels/native/fused.ts):
//   code:    Int32Array [inputs, statements, then per statement: kind, op, a, b]
//   numbers: Float64Array [per statement: params[0], params[1]]
// and is checked whole before anything runs: kinds and op codes, every register read
// defined before (b < 0 only for a binary op's number), counts within the limits.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include "args.h"
#include "bindings.h"
#include "strided-args.h"

namespace tsjit {
namespace {

constexpr const char* kFn = "fusedPointwise";
constexpr int kFusedOperands = kMaxFusedInputs + 1;

template <class T>
T typed_arg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* name, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + kFn + "(): " + name + " must be " + what);
  }
  return info[i].As<T>();
}

bool is_fusable_binary(int op) { return op == kAdd || op == kSub || op == kMul || op == kDiv || op == kMaximum || op == kMinimum; }

// Reads and checks the program into `program` (room for kMaxFusedStatements); returns
// its statement count.
int read_program(Napi::Env env, const Napi::Int32Array& code, const Napi::Float64Array& numbers, int& inputs,
                 FusedStatement* program) {
  const size_t length = code.ElementLength();
  if (length < 2) throw_range(env, kFn, "code needs at least 2 entries (inputs, statements), got " + std::to_string(length));
  const int32_t* c = code.Data();
  inputs = c[0];
  const int statements = c[1];
  if (inputs < 1 || inputs > kMaxFusedInputs) {
    throw_range(env, kFn, "the program's input count " + std::to_string(inputs) + " is outside 1.." + std::to_string(kMaxFusedInputs));
  }
  if (statements < 1 || statements > kMaxFusedStatements) {
    throw_range(env, kFn, "the program's statement count " + std::to_string(statements) + " is outside 1.." +
                              std::to_string(kMaxFusedStatements));
  }
  if (length != size_t(2 + 4 * statements)) {
    throw_range(env, kFn, "code for " + std::to_string(statements) + " statements needs " + std::to_string(2 + 4 * statements) +
                              " entries, got " + std::to_string(length));
  }
  if (numbers.ElementLength() != size_t(2 * statements)) {
    throw_range(env, kFn, "numbers for " + std::to_string(statements) + " statements needs " + std::to_string(2 * statements) +
                              " entries, got " + std::to_string(numbers.ElementLength()));
  }
  for (int k = 0; k < statements; k++) {
    const int32_t* e = c + 2 + 4 * k;
    FusedStatement& s = program[k];
    s = {e[0], e[1], e[2], e[3], {numbers.Data()[2 * k], numbers.Data()[2 * k + 1]}};
    // Built only on the way to an error: this runs for every statement of every call.
    const auto where = [k] { return "statement " + std::to_string(k) + ": "; };
    const int defined = inputs + k;
    if (s.kind != kFusedBinary && s.kind != kFusedUnary) throw_range(env, kFn, where() + "unknown kind " + std::to_string(s.kind));
    const bool binary = s.kind == kFusedBinary;
    if (binary ? !is_fusable_binary(s.op) : (s.op < 0 || s.op >= kUnaryOpCount)) {
      throw_range(env, kFn, where() + "unknown " + (binary ? "binary" : "unary") + " op code " + std::to_string(s.op));
    }
    if (s.a < 0 || s.a >= defined) {
      throw_range(env, kFn, where() + "operand a = " + std::to_string(s.a) + " is not a register defined before it (0.." +
                                std::to_string(defined - 1) + ")");
    }
    if (binary ? (s.b < -1 || s.b >= defined) : s.b != -1) {
      throw_range(env, kFn, where() + "operand b = " + std::to_string(s.b) + (binary ? " is neither -1 (the number) nor a register defined before it" : " must be -1 for a unary op"));
    }
    if (!binary && s.op == kClamp && (std::isnan(s.params[0]) || std::isnan(s.params[1]))) {
      throw_range(env, kFn, where() + "clamp bounds must not be NaN");
    }
  }
  return statements;
}

OperandMemory f32_memory(const char* name, const Napi::Float32Array& a) { return {name, a.Data(), a.ElementLength(), sizeof(float)}; }

Napi::Value FusedPointwise(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  expect_arg_count(info, kFn, 5);
  const auto code = typed_arg<Napi::Int32Array>(info, 0, napi_int32_array, "code", "an Int32Array");
  const auto numbers = typed_arg<Napi::Float64Array>(info, 1, napi_float64_array, "numbers", "a Float64Array");
  int inputs = 0;
  FusedStatement statements[kMaxFusedStatements];
  const int statement_count = read_program(env, code, numbers, inputs, statements);
  if (!info[3].IsArray() || info[3].As<Napi::Array>().Length() != uint32_t(inputs)) {
    throw Napi::TypeError::New(env, std::string("tsjit native ") + kFn + "(): inputs must be an array of " +
                                        std::to_string(inputs) + " Float32Arrays (the program's input count)");
  }
  Napi::Array input_array = info[3].As<Napi::Array>();
  static const char* const kNames[kMaxFusedInputs] = {"inputs[0]", "inputs[1]", "inputs[2]", "inputs[3]",
                                                      "inputs[4]", "inputs[5]", "inputs[6]", "inputs[7]"};
  Napi::Float32Array arrays[kMaxFusedInputs];
  OperandMemory memory[kFusedOperands];
  for (int r = 0; r < inputs; r++) {
    Napi::Value v = input_array[uint32_t(r)];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, std::string("tsjit native ") + kFn + "(): " + kNames[r] + " must be a Float32Array");
    }
    arrays[r] = v.As<Napi::Float32Array>();
    memory[r] = f32_memory(kNames[r], arrays[r]);
  }
  Napi::Float32Array out = f32_arg(info, 4, kFn, "out");
  memory[inputs] = f32_memory("out", out);

  StridedPlan<kFusedOperands> plan;
  const int operands = inputs + 1;
  detail::read_layout(info, 2, kFn, operands, plan.rank, plan.shape, plan.offset, plan.stride);
  detail::check_layout(env, kFn, operands, plan.rank, plan.shape, plan.offset, plan.stride, memory);
  // The unused operand slots walk as out does, so they never keep dims from merging.
  for (int k = operands; k < kFusedOperands; k++) {
    plan.offset[k] = plan.offset[inputs];
    std::copy(plan.stride[inputs], plan.stride[inputs] + kMaxRank, plan.stride[k]);
  }
  coalesce(plan);

  const FusedProgram program{inputs, statement_count, statements};
  const float* bases[kMaxFusedInputs];
  for (int r = 0; r < inputs; r++) bases[r] = arrays[r].Data();
  float* po = out.Data();
  const IsaKernels& isa = active_isa();
  for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) {
    // Per thread: the statements' tiles, then a tile per gathered input.
    thread_local std::vector<float> scratch;
    scratch.resize(size_t(kMaxFusedStatements + kMaxFusedInputs) * kFusedTile);
    float* gathered = scratch.data() + size_t(kMaxFusedStatements) * kFusedTile;
    const float* tile_inputs[kMaxFusedInputs];
    size_t steps[kMaxFusedInputs];
    for (int64_t s = 0; s < n; s += int64_t(kFusedTile)) {
      const int64_t len = std::min(int64_t(kFusedTile), n - s);
      for (int r = 0; r < inputs; r++) {
        const float* x = bases[r] + off[r] + s * st[r];
        if (st[r] == 0 || st[r] == 1) {
          tile_inputs[r] = x;
          steps[r] = size_t(st[r]);
        } else {
          float* to = gathered + size_t(r) * kFusedTile;
          for (int64_t i = 0; i < len; i++) to[i] = x[i * st[r]];
          tile_inputs[r] = to;
          steps[r] = 1;
        }
      }
      isa.fused_tile(program, size_t(len), tile_inputs, steps, scratch.data(), po + off[inputs] + s);
    }
  });
  return env.Undefined();
}

}  // namespace

void register_fused(Napi::Env env, Napi::Object exports) {
  exports.Set("fusedPointwise", Napi::Function::New(env, FusedPointwise));
}

}  // namespace tsjit
