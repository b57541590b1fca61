/**
 * The reduction and normalization ops through the public API on the native backend
 * against the JS backend: keepdim true and false, transposed inputs, values and
 * indices of max/min, negative dims.
 */
import { describe, expect, it } from "vitest";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { randn } from "../../runtime/index.js";
import { amax, amin, argmax, argmin, batchNorm, cumsum, groupNorm, logsumexp, max, mean, min, permute, prod, softmax, std, sum, var as variance } from "../../runtime/ops/index.js";
import type { Tensor } from "../../runtime/tensor/Tensor.js";
import { native, suiteName } from "./nativeAvailability.js";

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [Number(v)];
}

function expectSame(label: string, got: Tensor, want: Tensor, rtol: number): void {
  expect(got.shape, label).toEqual(want.shape);
  expect(got.dtype, label).toBe(want.dtype);
  const g = flat(got.tolist());
  const w = flat(want.tolist());
  g.forEach((v, i) => {
    if (Math.abs(v - w[i]!) > rtol * (1 + Math.abs(w[i]!))) throw new Error(`${label} at ${i}: native ${v} vs js ${w[i]}`);
  });
}

describe.skipIf(!native)(suiteName("reduction ops on the native backend equal the JS backend"), () => {
  it("sum/mean/prod/amax/amin/var/std/logsumexp/argmax/argmin/max/min/cumsum/softmax, keepdim both ways, transposed input", () => {
    const x = permute(randn(6, 7, 5, 4), [0, 2, 3, 1]);
    const ops: [string, (t: Tensor) => Tensor | Tensor[], number][] = [];
    for (const keepdim of [false, true]) {
      ops.push(
        [`sum (1, 3) keepdim ${keepdim}`, (t) => sum(t, [1, 3], keepdim), 1e-6],
        [`mean -1 keepdim ${keepdim}`, (t) => mean(t, -1, keepdim), 1e-6],
        [`prod 2 keepdim ${keepdim}`, (t) => prod(t, 2, keepdim), 1e-6],
        [`amax (0, 2) keepdim ${keepdim}`, (t) => amax(t, [0, 2], keepdim), 0],
        [`amin 3 keepdim ${keepdim}`, (t) => amin(t, 3, keepdim), 0],
        [`var (0, 1) keepdim ${keepdim}`, (t) => variance(t, [0, 1], { keepdim }), 1e-5],
        [`std 2 keepdim ${keepdim}`, (t) => std(t, 2, { keepdim, correction: 0 }), 1e-5],
        [`logsumexp (1, 2) keepdim ${keepdim}`, (t) => logsumexp(t, [1, 2], keepdim), 1e-5],
        [`argmax 1 keepdim ${keepdim}`, (t) => argmax(t, 1, keepdim), 0],
        [`argmin -1 keepdim ${keepdim}`, (t) => argmin(t, -1, keepdim), 0],
        [`max 2 keepdim ${keepdim}`, (t) => max(t, 2, keepdim), 0],
        [`min 0 keepdim ${keepdim}`, (t) => min(t, 0, keepdim), 0],
      );
    }
    ops.push(
      ["sum all", (t) => sum(t), 1e-6],
      ["argmax all", (t) => argmax(t), 0],
      ["cumsum 1", (t) => cumsum(t.contiguous(), 1), 1e-6],
      ["softmax 1", (t) => softmax(t.contiguous(), 1), 1e-5],
    );
    for (const [label, op, rtol] of ops) {
      const want = [withBackend(jsBackend, () => op(x))].flat();
      const got = [withBackend(native!.backend, () => op(x))].flat();
      want.forEach((w, k) => expectSame(`${label} [${k}]`, got[k]!, w, rtol));
    }
  });

  it("batch_norm (training updates running stats) and group_norm", () => {
    const x = randn(4, 6, 5, 5);
    const w = randn(6);
    const b = randn(6);
    const runs = [jsBackend, native!.backend].map((backend) => {
      const rm = randn(6).mul(0).add(0.5);
      const rv = randn(6).mul(0).add(2);
      return withBackend(backend, () => [batchNorm(x, rm, rv, w, b, true, 0.3, 1e-5), rm, rv, batchNorm(x, rm, rv, w, b, false), groupNorm(x, 3, w, b)]);
    });
    runs[0]!.forEach((want, k) => expectSame(`result ${k}`, runs[1]![k]!, want, 1e-5));
  });
});
