/**
 * The fixture models (examples/models) with PyTorch's weights, traced: shared by the
 * round-trip, child-process and fuzz tests.
 */
import { expect } from "vitest";
import type { Tensor } from "../../runtime/index.js";
import { trace } from "../../runtime/jit/trace.js";
import type { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { loadModelCases, type ModelCase, type ModelName } from "../utils/modelFixtures.js";

export const eagerModel = loadFixtureModel;

/** Runs `f` with TracerWarnings silenced (controlflow's `item()` is expected to warn). */
export function quietly<T>(f: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  try {
    return f();
  } finally {
    process.emitWarning = emit;
  }
}

/** The model traced on its first fixture case. */
export async function tracedModel(name: ModelName): Promise<{ traced: ScriptModule; cases: ModelCase[] }> {
  const cases = loadModelCases(name);
  const model = await eagerModel(name);
  const traced = quietly(() => trace(model, cases[0]!.inputs));
  return { traced, cases };
}

/** PyTorch's fixture tolerance: |got - want| <= 1e-4 + 1e-4 * max|want|. */
export function expectNearReference(got: Tensor, want: Tensor, label: string): void {
  expect([...got.shape], label).toEqual([...want.shape]);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  const tolerance = 1e-4 + 1e-4 * Array.from(w).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst, label).toBeLessThanOrEqual(tolerance);
}

/** Bitwise equality of two float32 tensors (same code on the same machine must agree exactly). */
export function expectSameTensor(got: unknown, want: Tensor, label: string): void {
  expect(got, label).toBeInstanceOf(Object);
  const g = got as Tensor;
  expect([...g.shape], label).toEqual([...want.shape]);
  expect(g.dtype, label).toBe(want.dtype);
  const bytes = (t: Tensor): Buffer => {
    const a = t.toTypedArray();
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  };
  expect(bytes(g).equals(bytes(want)), `${label}: values differ`).toBe(true);
}

/** Byte equality without vitest's element-by-element deep equality (slow on megabytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
