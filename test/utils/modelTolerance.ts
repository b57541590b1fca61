/** The whole-model tolerance of the fixtures README: |got - want| <= 1e-4 + 1e-4 * max|want|, float32, same shape. */
import { expect } from "vitest";
import type { Tensor } from "../../runtime/index.js";

export function expectWithinModelTolerance(got: Tensor, want: Tensor, label: string): void {
  expect(got.dtype, label).toBe("float32");
  expect([...got.shape], label).toEqual([...want.shape]);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  const tolerance = 1e-4 + 1e-4 * Array.from(w).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < w.length; i++) {
    const diff = Math.abs(g[i]! - w[i]!);
    if (!(diff <= worst)) [worst, worstIndex] = [diff, i];
  }
  expect(worst, `${label}: element ${worstIndex} got ${g[worstIndex]}, want ${w[worstIndex]} (tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}
