/**
 * Ops on JS numbers, booleans and lists, spelled as TorchScript spells them
 * (`aten::add.int`, `aten::lt.float`, `aten::Bool.Tensor`, `aten::size.int`), so that
 * graphs can compute with shape entries, loop indices and conditions.
 *
 * They have no Tensor methods and no free functions: user code writes `a + b` on
 * numbers; these exist for graphs (the tracer records `x.shape[i]` as `size.int`,
 * `@script` lowers number arithmetic and `if (cond)` to them, and the executor runs them).
 *
 * Note [Scalar overloads and eager dispatch]: every name here that is also a tensor op
 * (`add`, `lt`, `neg`, ...) was registered first by its tensor family, so eager
 * resolution tries the tensor overloads first; a JS number never binds to a Tensor
 * parameter, so a call that bound before still binds to the same overload.
 */
import { fail, formatShape } from "../errors.js";
import { normalizeDim } from "../tensor/shape.js";
import type { Tensor } from "../tensor/Tensor.js";
import { defineOp } from "./registry.js";

/** The value of a one-element tensor, read from storage (not `item()`: this is no user read). */
function singleValue(op: string, a: Tensor): number {
  if (a.numel() !== 1) {
    fail("INVALID_ARGUMENT", `${op}(): a Tensor with ${a.numel()} elements (shape ${formatShape(a.shape)}) cannot be converted to a scalar; only one-element tensors can`);
  }
  return Number(a.storage[a.offset]!);
}

defineOp<[self: Tensor, dim: number]>({
  schema: "size.int(Tensor self, int dim) -> int",
  kind: "composite",
  compose: ([self, dim]) => self.shape[normalizeDim("size", dim, self.ndim)]!,
});

defineOp<[a: Tensor]>({
  schema: "Bool.Tensor(Tensor a) -> bool",
  kind: "composite",
  compose: ([a]) => singleValue("Bool", a) !== 0,
});

defineOp<[a: Tensor]>({
  schema: "Float.Tensor(Tensor a) -> float",
  kind: "composite",
  compose: ([a]) => singleValue("Float", a),
});

defineOp<[a: Tensor]>({
  schema: "Int.Tensor(Tensor a) -> int",
  kind: "composite",
  compose: ([a]) => Math.trunc(singleValue("Int", a)),
});

/** Python's `//` on ints: rounds toward negative infinity. */
function floorDivide(a: number, b: number): number {
  if (b === 0) fail("INVALID_ARGUMENT", "floordiv(): integer division by zero");
  return Math.floor(a / b);
}

/** Python's `%` on ints: the result has the divisor's sign. */
function remainder(a: number, b: number): number {
  if (b === 0) fail("INVALID_ARGUMENT", "remainder(): integer modulo by zero");
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

const arithmetic: readonly (readonly [string, (a: number, b: number) => number])[] = [
  ["add", (a, b) => a + b],
  ["sub", (a, b) => a - b],
  ["mul", (a, b) => a * b],
];
for (const [name, f] of arithmetic) {
  for (const type of ["int", "float"] as const) {
    defineOp<[a: number, b: number]>({
      schema: `${name}.${type}(${type} a, ${type} b) -> ${type}`,
      kind: "composite",
      compose: ([a, b]) => f(a, b),
    });
  }
}

// True division, as Python 3 (and TorchScript's `div.int -> float`).
for (const type of ["int", "float"] as const) {
  defineOp<[a: number, b: number]>({
    schema: `div.${type}(${type} a, ${type} b) -> float`,
    kind: "composite",
    compose: ([a, b]) => a / b,
  });
  defineOp<[a: number]>({
    schema: `neg.${type}(${type} a) -> ${type}`,
    kind: "composite",
    compose: ([a]) => -a,
  });
}

defineOp<[a: number, b: number]>({
  schema: "floordiv.int(int a, int b) -> int",
  kind: "composite",
  compose: ([a, b]) => floorDivide(a, b),
});

defineOp<[a: number, b: number]>({
  schema: "remainder.int(int a, int b) -> int",
  kind: "composite",
  compose: ([a, b]) => remainder(a, b),
});

const comparisons: readonly (readonly [string, (a: number, b: number) => boolean])[] = [
  ["lt", (a, b) => a < b],
  ["le", (a, b) => a <= b],
  ["gt", (a, b) => a > b],
  ["ge", (a, b) => a >= b],
  ["eq", (a, b) => a === b],
  ["ne", (a, b) => a !== b],
];
for (const [name, f] of comparisons) {
  for (const type of ["int", "float"] as const) {
    defineOp<[a: number, b: number]>({
      schema: `${name}.${type}(${type} a, ${type} b) -> bool`,
      kind: "composite",
      compose: ([a, b]) => f(a, b),
    });
  }
}

defineOp<[a: string, b: string]>({
  schema: "eq.str(str a, str b) -> bool",
  kind: "composite",
  compose: ([a, b]) => a === b,
});

defineOp<[self: boolean]>({
  schema: "__not__(bool self) -> bool",
  kind: "composite",
  compose: ([self]) => !self,
});

defineOp<[a: boolean, b: boolean]>({
  schema: "__and__.bool(bool a, bool b) -> bool",
  kind: "composite",
  compose: ([a, b]) => a && b,
});

defineOp<[a: boolean, b: boolean]>({
  schema: "__or__.bool(bool a, bool b) -> bool",
  kind: "composite",
  compose: ([a, b]) => a || b,
});

defineOp<[a: Tensor[]]>({
  schema: "len.t(Tensor[] a) -> int",
  kind: "composite",
  compose: ([a]) => a.length,
});

/** Python's `len(t)` of a tensor: the size of its first dimension. */
defineOp<[self: Tensor]>({
  schema: "len.Tensor(Tensor t) -> int",
  kind: "composite",
  compose: ([self]) => {
    if (self.ndim === 0) fail("INVALID_ARGUMENT", "len(): len() of a 0-d tensor");
    return self.shape[0]!;
  },
});

defineOp<[list: Tensor[], idx: number]>({
  schema: "__getitem__.t(Tensor[] list, int idx) -> Tensor",
  kind: "composite",
  compose: ([list, idx]) => {
    const at = idx < 0 ? idx + list.length : idx;
    if (at < 0 || at >= list.length) fail("INDEX_OUT_OF_RANGE", `__getitem__(): list index ${idx} is out of range for a list of ${list.length} tensors`);
    return list[at]!;
  },
});
