/**
 * Reads PyTorch's reference outputs from ../shared/fixtures in place (see its README)
 * and compares tsjit tensors with them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { FIXTURES } from "./fixturePaths.js";
import { tensor, Tensor, type DType } from "../../runtime/index.js";

export type FixtureValue = number | string | boolean | FixtureTensor | (number | string)[];

export interface FixtureTensor {
  shape: number[];
  dtype: "float32" | "int64" | "bool" | "int32";
  data: (number | string | boolean)[];
}

export interface OpCase {
  op: string;
  name: string;
  inputs: FixtureValue[];
  kwargs: Record<string, FixtureValue>;
  output: FixtureTensor | FixtureTensor[];
  atol: number;
  rtol: number;
}

export const OP_FAMILIES = ["binary", "compare", "unary", "reduce", "linalg", "conv", "norm", "shape", "create"] as const;

export function loadOpCases(family: string): OpCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, "ops", `${family}.json`), "utf8")) as { cases: OpCase[] }).cases;
}

export function isFixtureTensor(value: unknown): value is FixtureTensor {
  return typeof value === "object" && value !== null && "shape" in value && "data" in value;
}

function decodeNumber(value: number | string | boolean): number {
  if (value === "nan") return NaN;
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  return Number(value);
}

export function decodeTensor(t: FixtureTensor): Tensor {
  return tensor(t.data.map(decodeNumber), { dtype: t.dtype as DType, shape: t.shape });
}

/** Tensors become Tensors, "nan"/"inf" become numbers, everything else stays as given. */
export function decodeValue(value: FixtureValue): unknown {
  if (isFixtureTensor(value)) return decodeTensor(value);
  if (Array.isArray(value)) return value.map((v) => decodeNumber(v));
  if (typeof value === "string" && ["nan", "inf", "-inf"].includes(value)) return decodeNumber(value);
  return value;
}

/** PyTorch's rule for the fixtures: |got - want| <= atol + rtol * |want|, nan matching nan, equal infinities. */
export function expectClose(got: Tensor, want: Tensor, atol: number, rtol: number, label = ""): void {
  expect(got.dtype, `${label} dtype`).toBe(want.dtype);
  expect([...got.shape], `${label} shape`).toEqual([...want.shape]);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    const ok = Number.isNaN(b) ? Number.isNaN(a) : !Number.isFinite(b) ? a === b : Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) {
      expect.fail(`${label} element ${i} (of ${w.length}): got ${a}, want ${b} (atol ${atol}, rtol ${rtol})`);
    }
  }
}
