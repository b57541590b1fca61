/**
 * Number, boolean, string and list ops that `@script` code needs beyond scalar.ts:
 * JavaScript's `%` and `**`, the `Math.*` functions with a graph op, min/max of
 * numbers, list length/indexing/append per element type, shape reads of a whole
 * tensor, and Optional handling (`x === null` refinement, defaults of optional
 * parameters). None has a Tensor method or a free function; graphs call them.
 *
 * Note [Per-type list overloads]: TorchScript's list ops are generic (`t[]`); the
 * schema language has no type variables, so each element type gets an overload
 * (`len.int`, `__getitem__.float`, ...). `*.t` in scalar.ts is the Tensor one.
 *
 * See Note [Scalar overloads and eager dispatch] in scalar.ts: these overloads are
 * registered after the tensor ones, so eager calls that bound before still do.
 */
import { fail } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import { defineOp } from "./registry.js";

/** A JS number used where the schema wants an int: the frontend inserts this check. */
defineOp<[a: number]>({
  schema: "Int.float(float a) -> int",
  kind: "composite",
  compose: ([a]) => {
    if (!Number.isInteger(a)) fail("ARGUMENT_TYPE", `expected an integer, got ${a}`);
    return a;
  },
});

// JavaScript's `%`: the result has the dividend's sign (C fmod), unlike Python's.
for (const type of ["int", "float"] as const) {
  defineOp<[a: number, b: number]>({ schema: `fmod.${type}(${type} a, ${type} b) -> ${type}`, kind: "composite", compose: ([a, b]) => a % b });
}

defineOp<[a: number, b: number]>({ schema: "pow.float(float a, float b) -> float", kind: "composite", compose: ([a, b]) => a ** b });

const unaryMath: readonly (readonly [string, (a: number) => number, "int" | "float"])[] = [
  ["floor", Math.floor, "int"],
  ["ceil", Math.ceil, "int"],
  ["round", Math.round, "int"],
  ["trunc", Math.trunc, "int"],
  ["sqrt", Math.sqrt, "float"],
  ["exp", Math.exp, "float"],
  ["log", Math.log, "float"],
  ["sin", Math.sin, "float"],
  ["cos", Math.cos, "float"],
  ["tanh", Math.tanh, "float"],
  ["sign", Math.sign, "float"],
];
for (const [name, f, result] of unaryMath) {
  defineOp<[a: number]>({ schema: `${name}.float(float a) -> ${result}`, kind: "composite", compose: ([a]) => f(a) });
}
defineOp<[a: number]>({ schema: "abs.int(int a) -> int", kind: "composite", compose: ([a]) => Math.abs(a) });
defineOp<[a: number]>({ schema: "abs.float(float a) -> float", kind: "composite", compose: ([a]) => Math.abs(a) });

for (const type of ["int", "float"] as const) {
  defineOp<[a: number, b: number]>({ schema: `max.${type}(${type} a, ${type} b) -> ${type}`, kind: "composite", compose: ([a, b]) => Math.max(a, b) });
  defineOp<[a: number, b: number]>({ schema: `min.${type}(${type} a, ${type} b) -> ${type}`, kind: "composite", compose: ([a, b]) => Math.min(a, b) });
}

defineOp<[a: boolean, b: boolean]>({ schema: "eq.bool(bool a, bool b) -> bool", kind: "composite", compose: ([a, b]) => a === b });
defineOp<[a: boolean, b: boolean]>({ schema: "ne.bool(bool a, bool b) -> bool", kind: "composite", compose: ([a, b]) => a !== b });
defineOp<[a: string, b: string]>({ schema: "ne.str(str a, str b) -> bool", kind: "composite", compose: ([a, b]) => a !== b });
defineOp<[a: string, b: string]>({ schema: "add.str(str a, str b) -> str", kind: "composite", compose: ([a, b]) => a + b });

/** `String(n)` / template literals in error messages. */
for (const type of ["int", "float", "bool"] as const) {
  defineOp<[a: unknown]>({ schema: `str.${type}(${type} a) -> str`, kind: "composite", compose: ([a]) => String(a) });
}

function listIndex(list: readonly unknown[], idx: number): number {
  const at = idx < 0 ? idx + list.length : idx;
  if (!Number.isInteger(at) || at < 0 || at >= list.length) fail("INDEX_OUT_OF_RANGE", `__getitem__(): list index ${idx} is out of range for a list of ${list.length} items`);
  return at;
}

// Note [Per-type list overloads]
for (const type of ["int", "float", "bool", "str"] as const) {
  defineOp<[a: unknown[]]>({ schema: `len.${type}(${type}[] a) -> int`, kind: "composite", compose: ([a]) => a.length });
  defineOp<[list: unknown[], idx: number]>({
    schema: `__getitem__.${type}(${type}[] list, int idx) -> ${type}`,
    kind: "composite",
    compose: ([list, idx]) => list[listIndex(list, idx)],
  });
}
// Lists are JS arrays shared by reference, as Python lists: append mutates in place.
for (const type of ["Tensor", "int", "float", "bool", "str"] as const) {
  const overload = type === "Tensor" ? "t" : type;
  defineOp<[list: unknown[], el: unknown]>({
    schema: `append.${overload}(${type}[](a!) self, ${type} el) -> ${type}[](a!)`,
    kind: "composite",
    compose: ([list, el]) => {
      if (Object.isFrozen(list)) fail("INVALID_ARGUMENT", "append(): the list is a constant");
      list.push(el);
      return list;
    },
  });
}

defineOp<[self: Tensor]>({ schema: "size(Tensor self) -> int[]", kind: "composite", compose: ([self]) => [...self.shape] });
defineOp<[self: Tensor]>({ schema: "dim(Tensor self) -> int", kind: "composite", compose: ([self]) => self.ndim });
defineOp<[self: Tensor]>({ schema: "numel(Tensor self) -> int", kind: "composite", compose: ([self]) => self.numel() });

// Optional values: `x === null` and the refined `x` after it (TorchScript's `aten::__is__` and `prim::unchecked_cast`).
for (const type of ["Tensor", "int", "float", "bool", "str"] as const) {
  defineOp<[a: unknown]>({ schema: `is_none.${type}(${type}? a) -> bool`, kind: "composite", compose: ([a]) => a === null || a === undefined });
  defineOp<[a: unknown]>({
    schema: `unwrap_optional.${type}(${type}? a) -> ${type}`,
    kind: "composite",
    compose: ([a]) => {
      if (a === null || a === undefined) fail("INVALID_ARGUMENT", `unwrap_optional(): expected a ${type}, got null`);
      return a;
    },
  });
}
