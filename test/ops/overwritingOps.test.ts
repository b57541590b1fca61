/**
 * Note [Overwriting ops]: the executor hands the ops of OVERWRITING_OPS recycled
 * storage without zeroing it. Each of them, on the JS and the default backend, over
 * generated shapes (empty dims, K = 0 products, padding, groups, broadcasting), writes
 * into storage full of NaN exactly what it writes into zeroed storage.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../runtime/index.js";
import { opOfKind } from "../../runtime/ir/opKinds.js";
import { OVERWRITING_OPS } from "../../runtime/ops/overwritingOps.js";
import { markConstantWeight } from "../../runtime/kernels/constantWeights.js";
import { UNZEROED_MIN_BYTES } from "../../runtime/ops/unzeroedStorage.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { runOp } from "../../runtime/ops/dispatch.js";
import { typedArrayFor, type DType } from "../../runtime/tensor/dtype.js";
import type { Shape } from "../../runtime/tensor/shape.js";
import { emptyTensor, Tensor as TensorClass } from "../../runtime/tensor/Tensor.js";
import { randomTensor } from "./linalgReference.js";
import { OP_ARGUMENTS } from "./opArguments.js";


/** `x` scaled and truncated to int64 (a Float64Array storage: Note [int64 storage]). */
const int64 = (x: Tensor): Tensor => x.mul(100).to("int64");
const t = (shape: readonly number[], s: number): Tensor => randomTensor(shape, s);

/**
 * One case per op whose output is past UNZEROED_MIN_BYTES, where fresh outputs come
 * unzeroed (Note [Unzeroed outputs]) and the native kernels take their threaded, GEMV
 * and blocked paths; the products include empty sums (K = 0), which must write zeros.
 */
const LARGE_CASES: Record<string, (s: number) => unknown[][]> = {
  "aten::linear": (s) => [[t([2, 96, 64], s), t([200, 64], s + 1), t([200], s + 2)], [t([1, 300], s), t([20000, 300], s + 1), null], [t([300, 0], s), t([200, 0], s + 1), null]],
  "tsjit::linear_act": (s) => [[t([300, 64], s), t([200, 64], s + 1), t([200], s + 2), "relu"], [t([1, 64], s), t([20000, 64], s + 1), null, "gelu"]],
  "aten::matmul": (s) => [[t([3, 100, 32], s), t([32, 100], s + 1)], [t([200, 0], s), t([0, 200], s + 1)], [t([20000, 16], s), t([16], s + 1)]],
  "aten::mm": (s) => [[t([300, 70], s), t([70, 300], s + 1)], [t([1, 64], s), t([64, 20000], s + 1)], [t([300, 0], s), t([0, 300], s + 1)]],
  "aten::bmm": (s) => [[t([4, 100, 20], s), t([4, 20, 100], s + 1)], [t([2, 200, 0], s), t([2, 0, 200], s + 1)]],
  "aten::addmm": (s) => [[t([300], s), t([200, 40], s + 1), t([40, 300], s + 2), 0, 1], [t([200, 300], s), t([200, 0], s + 1), t([0, 300], s + 2), 0.5, 2]],
  "tsjit::addmm_act": (s) => [[t([300], s), t([200, 40], s + 1), t([40, 300], s + 2), "tanh"]],
  "tsjit::matmul_add": (s) => [[t([200, 40], s), t([40, 300], s + 1), t([300], s + 2)], [t([200, 0], s), t([0, 300], s + 1), t([200, 300], s + 2)]],
  "tsjit::matmul_add_act": (s) => [[t([200, 40], s), t([40, 300], s + 1), t([300], s + 2), "relu"]],
  "tsjit::stacked_matmul": (s) => [[t([50, 4, 32], s), t([32, 128], s + 1), t([128], s + 2)], [t([50, 4, 0], s), t([0, 128], s + 1), null]],
  "aten::conv2d": (s) => [[t([2, 8, 40, 40], s), t([16, 8, 3, 3], s + 1), t([16], s + 2), [1, 1], [1, 1], [1, 1], 1], [t([1, 1, 130, 130], s), t([8, 1, 3, 3], s + 1), null, [1, 1], [0, 0], [1, 1], 1]],
  "tsjit::conv2d_act": (s) => [[t([2, 8, 40, 40], s), t([16, 8, 3, 3], s + 1), t([16], s + 2), [1, 1], [1, 1], [1, 1], 1, "relu"], [t([1, 8, 66, 66], s), t([16, 4, 3, 3], s + 1), null, [1, 1], [0, 0], [1, 1], 2, "gelu"]],
  "tsjit::conv2d_act_max_pool2x2": (s) => [[t([2, 8, 42, 42], s), t([32, 8, 3, 3], s + 1), t([32], s + 2), [1, 1], [0, 0], [1, 1], 1, "relu"], [t([1, 3, 41, 41], s), t([16, 3, 3, 3], s + 1), null, [1, 1], [1, 1], [1, 1], 1, "tanh"]],
  "aten::max_pool2d": (s) => [[t([2, 16, 64, 64], s), [2, 2], [2, 2], [0, 0], [1, 1], false], [t([1, 8, 99, 99], s), [3, 3], [1, 1], [1, 1], [1, 1], true]],
  "aten::layer_norm": (s) => [[t([200, 128], s), [128], t([128], s + 1), t([128], s + 2), 1e-5]],
  "aten::softmax.int": (s) => [[t([200, 128], s), -1, null], [t([128, 200], s), 0, null]],
  "tsjit::fused_pointwise": (s) => [[[t([200, 128], s), t([128], s + 1)], "t0 = mul(x0, x1); t1 = add(t0, x0); t2 = tanh(t1)"]],
  "aten::add.Tensor": (s) => [[t([200, 128], s), t([128], s + 1), 1], [t([200, 1], s), t([1, 128], s + 1), 2], [int64(t([200, 128], s)), int64(t([128], s + 1)), 3]],
  "aten::mul.Tensor": (s) => [[t([200, 128], s), t([200, 128], s + 1)], [int64(t([200, 128], s)), int64(t([200, 128], s + 1))]],
  "aten::mul.Scalar": (s) => [[t([200, 128], s), 0.5]],
  "aten::relu": (s) => [[t([200, 129], s)], [int64(t([200, 129], s))]],
  "aten::gelu": (s) => [[t([200, 129], s), "tanh"]],
  "tsjit::linear_act_linear": (s) => [
    // One row of constant weights: the native backend's pass over both (runtime/native/linear-pair.cc).
    [t([1, 64], s), constantWeight(t([1100, 64], s + 1)), t([1100], s + 2), "relu", constantWeight(t([1100, 1100], s + 3)), null, "none"],
    [t([3, 40], s), t([1100, 40], s + 1), null, "gelu", t([1100, 1100], s + 3), t([1100], s + 4), "tanh"],
  ],
  "aten::tanh": (s) => [[t([200, 129], s)]],
};

/** `weight` marked as a frozen graph's constant weight (kernels/constantWeights.ts). */
function constantWeight(weight: Tensor): Tensor {
  markConstantWeight(weight.storage);
  return weight;
}

/** An op's outputs: its one tensor, or its list. */
function outputsOf(result: unknown): Tensor[] {
  return Array.isArray(result) ? (result as Tensor[]) : [result as Tensor];
}

function nanFilled(shape: Shape, dtype: DType): Tensor {
  const storage = typedArrayFor(dtype, shape.reduce((n, size) => n * size, 1));
  storage.fill(Number.NaN as never);
  return new TensorClass(storage, shape, undefined, 0, dtype);
}

function sameElements(got: Tensor, want: Tensor): boolean {
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  return g.length === w.length && Array.from(w).every((v, i) => Object.is(v, g[i]) || (v === g[i]));
}

const backends = [["js", (body: () => void) => withBackend(jsBackend, body)], ["default", (body: () => void) => body()]] as const;

function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => (a instanceof TensorClass ? `[${a.shape.join(", ")}]` : JSON.stringify(a))).join(", ");
}

describe("overwriting ops (Note [Overwriting ops])", () => {
  it("every op of the list has generated arguments and a large case here, and every large case an op of the list", () => {
    for (const kind of OVERWRITING_OPS) expect(OP_ARGUMENTS[kind], kind).toBeDefined();
    expect(Object.keys(LARGE_CASES).sort()).toEqual([...OVERWRITING_OPS].sort());
  });

  it("ops learn from the list whether they overwrite their outputs", () => {
    for (const kind of OVERWRITING_OPS) expect(opOfKind(kind).overwritesOutputs, kind).toBe(true);
    expect(opOfKind("aten::sum.dim_IntList").overwritesOutputs).toBe(false);
  });

  describe.each(backends)("on the %s backend", (_, run) => {
    it.each([...OVERWRITING_OPS])("%s writes every element of its output", (kind) => {
      const op = opOfKind(kind);
      fc.assert(
        fc.property(OP_ARGUMENTS[kind]!, (args) => {
          run(() => {
            const want = outputsOf(runOp(op, args, emptyTensor));
            const got = outputsOf(runOp(op, args, nanFilled));
            want.forEach((w, i) => {
              expect([...got[i]!.shape]).toEqual([...w.shape]);
              expect(sameElements(got[i]!, w), `${kind} on ${describeArgs(args)}, output ${i}`).toBe(true);
            });
          });
        }),
        { numRuns: 40 },
      );
    });

    it.each([...OVERWRITING_OPS])("%s writes every element of a large output", (kind) => {
      const op = opOfKind(kind);
      run(() => {
        for (const args of LARGE_CASES[kind]!(7)) {
          const want = outputsOf(runOp(op, args, emptyTensor));
          const got = outputsOf(runOp(op, args, nanFilled));
          want.forEach((w, i) => {
            expect(w.numel() * w.storage.BYTES_PER_ELEMENT, `${kind} on ${describeArgs(args)}, output ${i}`).toBeGreaterThanOrEqual(UNZEROED_MIN_BYTES);
            expect(sameElements(got[i]!, w), `${kind} on ${describeArgs(args)}, output ${i}`).toBe(true);
          });
        }
      });
    });
  });
});
