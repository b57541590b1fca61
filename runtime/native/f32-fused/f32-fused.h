// The fused pointwise interpreter (tsjit::fused_pointwise) over one tile of a row, over
// vector traits V: each statement runs the ISA's elementwise row kernel
// (../f32-velementwise/f32-velementwise.h) on the tile, its result parked in a scratch
// tile that stays in L1, so a chain reads its inputs once and writes out once. A
// statement whose operands are all constant along the tile (broadcast, step 0) is
// computed once, and its result is constant too.
#pragma once
#include <algorithm>
#include <cstddef>
#include "../kernels.h"
#include "../f32-velementwise/f32-velementwise.h"

namespace tsjit {
namespace {

template <class V>
inline void fused_tile(const FusedProgram& program, size_t n, const float* const* inputs, const size_t* steps,
                       float* scratch, float* out) {
  const float* reg[kMaxFusedInputs + kMaxFusedStatements];
  size_t step[kMaxFusedInputs + kMaxFusedStatements];
  for (int r = 0; r < program.inputs; r++) {
    reg[r] = inputs[r];
    step[r] = steps[r];
  }
  const int last = program.statements - 1;
  for (int k = 0; k <= last; k++) {
    const FusedStatement& s = program.code[k];
    const int target = program.inputs + k;
    const bool binary = s.kind == kFusedBinary;
    const size_t a_step = step[s.a];
    // A number operand is a one-float "broadcast" operand (step 0), rounded to float as the op's scalar.
    const float number = float(s.params[0]);
    const float* b = binary ? (s.b < 0 ? &number : reg[s.b]) : nullptr;
    const size_t b_step = binary && s.b >= 0 ? step[s.b] : 0;
    const size_t out_step = std::max(a_step, b_step);
    const size_t len = out_step == 0 ? 1 : n;
    float* to = k == last && out_step != 0 ? out : scratch + size_t(k) * kFusedTile;
    if (binary) {
      // The row kernels take a broadcast operand only beside a vector; one element needs none.
      vbinary<V>(s.op, len, reg[s.a], len == 1 ? 1 : a_step, b, len == 1 ? 1 : b_step, to, 1.0);
    } else {
      vunary<V>(s.op, len, reg[s.a], to, s.params);
    }
    reg[target] = to;
    step[target] = out_step;
    if (k == last && out_step == 0) std::fill(out, out + n, to[0]);
  }
}

}  // namespace
}  // namespace tsjit
