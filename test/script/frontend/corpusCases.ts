/**
 * The corpus functions (test/script/corpus/basics.ts, language.ts) compiled by the
 * frontend, inputs for them (fast-check), and the comparison of a run with the eager
 * function's: shared by the corpus test and the JIT passes' test.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { script, tensor, Tensor, TsjitError, verifyGraph } from "../../../runtime/index.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import type { IRType } from "../../../runtime/ir/types.js";
import * as basics from "../corpus/basics.js";
import * as language from "../corpus/language.js";
import { compile, formatDiagnostic, functionSites, graphsOf, makeProgram, sourceFile } from "./program.js";

const FILES = { "test/script/corpus/basics.ts": basics, "test/script/corpus/language.ts": language } as const;
const program = makeProgram(Object.keys(FILES));

type Eager = (...args: unknown[]) => unknown;
export interface Entry {
  readonly file: string;
  readonly name: string;
  readonly eager: Eager;
}

export const entries: Entry[] = [];
for (const [file, module] of Object.entries(FILES)) {
  for (const name of functionSites(sourceFile(program, file)).keys()) {
    entries.push({ file, name, eager: (module as unknown as Record<string, Eager>)[name]! });
  }
}

export function compilePayload(entry: Entry): string {
  const decl = functionSites(sourceFile(program, entry.file)).get(entry.name)!;
  const { payload, diagnostics } = compile(program, { kind: "function", declaration: decl });
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  for (const g of [...graphsOf(payload!).graphs.values(), ...graphsOf(payload!).functions.values()]) verifyGraph(g);
  return JSON.stringify(payload);
}

export function compiled(name: string): ScriptFunction {
  return script.compiled(compilePayload(entries.find((e) => e.name === name)!), entries.find((e) => e.name === name)!.eager).scriptFunction;
}

// --- inputs ------------------------------------------------------------------------

const float = fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });
function tensorOf(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(float, { minLength: n, maxLength: n }).map((v) => tensor(Float32Array.from(v), { shape: [...shape] }));
}
export const tensorArb = tensorOf([2, 4]);
const numberArb = fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double({ min: -4, max: 4, noNaN: true }));
const smallIntArb = fc.integer({ min: 0, max: 5 });

/** Inputs that are not just "any value of the parameter's type", by function and parameter name. */
const OVERRIDES: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  whileLoop: { n: smallIntArb },
  whileContinue: { n: smallIntArb },
  intMath: { n: smallIntArb },
  raise: { n: fc.integer({ min: -1, max: 4 }) },
  countdown: { n: fc.integer({ min: 0, max: 40 }) },
  // 1.5 is not an integral size: aten::Int.float throws, as reshape does eagerly; 3 does not divide 8.
  reshapeBy: { n: fc.constantFrom(1, 2, 4, 8, 3, 1.5) },
  modeSwitch: { mode: fc.constantFrom("relu", "tanh", "sigmoid", "gelu") },
  checkedDiv: { b: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: numberArb, weight: 4 }) },
  convStride: { x: tensorOf([1, 2, 5, 5]), w: tensorOf([3, 2, 3, 3]), b: tensorOf([3]) },
  convMethodless: { x: tensorOf([1, 1, 6, 6]), w: tensorOf([2, 1, 3, 3]) },
  tupleParam: { pair: fc.tuple(tensorArb, tensorArb) },
};

function arbitraryOf(type: IRType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "Tensor":
      return tensorArb;
    case "float":
    case "int":
      return numberArb;
    case "bool":
      return fc.boolean();
    case "str":
      return fc.string({ maxLength: 4 });
    case "List":
      return fc.array(arbitraryOf(type.element), { maxLength: 4 });
    case "Tuple":
      return fc.tuple(...type.elements.map(arbitraryOf));
    case "Optional":
      // An omitted optional parameter is `undefined` in JavaScript; the graph takes it as None.
      return fc.option(arbitraryOf(type.inner), { nil: type.inner.kind === "Tensor" ? null : undefined });
    default:
      throw new Error(`no arbitrary for ${type.kind}`);
  }
}

export function argsFor(fn: ScriptFunction): fc.Arbitrary<unknown[]> {
  return fc.tuple(...fn.graph.inputs.map((input) => OVERRIDES[fn.name]?.[input.debugName ?? ""] ?? arbitraryOf(input.type)));
}

// --- comparing -------------------------------------------------------------------------

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectSame(got: unknown, want: unknown): void {
  if (want instanceof Tensor) {
    expect(got).toBeInstanceOf(Tensor);
    const g = (got as Tensor).toTypedArray();
    const w = want.toTypedArray();
    expect([...(got as Tensor).shape]).toEqual([...want.shape]);
    for (let i = 0; i < w.length; i++) expect(Math.abs(Number(g[i]) - Number(w[i]))).toBeLessThanOrEqual(1e-5);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectSame((got as unknown[])[i], w));
  } else if (typeof want === "number") {
    expect(typeof got).toBe("number");
    if (Number.isNaN(want)) expect(Number.isNaN(got)).toBe(true);
    else if (!Number.isFinite(want)) expect(got).toBe(want);
    else expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
  } else expect(got).toBe(want);
}

export function expectSameOutcome(got: Outcome, want: Outcome): void {
  if (want.ok !== got.ok) throw new Error(`eager ${want.ok ? "returned" : `threw ${String(want.error)}`}, compiled ${got.ok ? "returned" : `threw ${String(got.error)}`}`);
  if (got.ok && want.ok) expectSame(got.value, want.value);
  // A compiled graph fails with a TsjitError, never a crash of the executor.
  if (!got.ok) expect(got.error).toBeInstanceOf(TsjitError);
}
