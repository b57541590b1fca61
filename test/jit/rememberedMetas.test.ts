/**
 * Note [Remembered metas]: plan instructions for the ops of META_ONLY_INFER_OPS skip
 * `infer` when their arguments' metas and other values match the last run's. Checked:
 * each listed op's infer really reads only metas (other values and strides, same
 * answer), the memory itself (what counts as a match), and plans that change shapes,
 * dtypes and scalars between runs, or break a check after a remembered run.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { tensor, Tensor, TsjitError, zeros } from "../../runtime/index.js";
import { opOfKind } from "../../runtime/ir/opKinds.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../../runtime/jit/executor.js";
import { RememberedMetas } from "../../runtime/jit/executor/rememberedMetas.js";
import { META_ONLY_INFER_OPS } from "../../runtime/ops/metaOnlyInfer.js";
import type { OpDef, TensorMeta } from "../../runtime/ops/registry.js";
import { randomTensor } from "../ops/linalgReference.js";
import { OP_ARGUMENTS } from "../ops/opArguments.js";
import { thrownTsjitError } from "../utils/errors.js";
import { expectClose } from "../utils/fixtures.js";

type KernelOp = Extract<OpDef, { kind: "kernel" }>;

/** `x` with other values, and transposed storage when it has two dims or more (other strides). */
function sameMetaOtherValues(x: Tensor, seed: number): Tensor {
  const values = randomTensor(x.shape, seed).to(x.dtype);
  if (x.ndim < 2) return values;
  const swapped = [...x.shape];
  [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
  return values.transpose(0, 1).contiguous().reshape(swapped).transpose(0, 1);
}

function withOtherValues(args: readonly unknown[], seed: number): unknown[] {
  return args.map((arg, i) => {
    if (arg instanceof Tensor) return sameMetaOtherValues(arg, seed + i);
    if (Array.isArray(arg) && arg.every((item) => item instanceof Tensor)) return arg.map((item: Tensor, j) => sameMetaOtherValues(item, seed + 10 * i + j));
    return arg;
  });
}

const metasOf = (metas: readonly TensorMeta[]) => metas.map(({ shape, dtype }) => ({ shape: [...shape], dtype }));

describe("ops that infer from metas alone (Note [Remembered metas])", () => {
  it("every listed kind is an op that says so, with generated arguments; an op that reads values is not listed", () => {
    for (const kind of META_ONLY_INFER_OPS) {
      expect(opOfKind(kind).infersFromMetas, kind).toBe(true);
      expect(OP_ARGUMENTS[kind], kind).toBeDefined();
    }
    expect(opOfKind("aten::index_select").infersFromMetas).toBe(false);
    expect(opOfKind("aten::div.Tensor").infersFromMetas).toBe(false);
  });

  it.each([...META_ONLY_INFER_OPS])("%s: arguments of the same metas with other values and strides infer the same", (kind) => {
    const op = opOfKind(kind) as KernelOp;
    fc.assert(
      fc.property(OP_ARGUMENTS[kind]!, fc.integer({ min: 0, max: 1 << 20 }), (args, seed) => {
        expect(metasOf(op.infer(withOtherValues(args, seed)))).toEqual(metasOf(op.infer(args)));
      }),
      { numRuns: 30 },
    );
  });
});

describe("RememberedMetas", () => {
  const fakeOp = () => {
    const infer = vi.fn((args: readonly unknown[]): TensorMeta[] => {
      const x = args[0] as Tensor;
      if (x.ndim === 0) throw new TsjitError("SHAPE_MISMATCH", "fake(): 0-d input");
      return [{ shape: [x.shape[0]!, Number(args[1])], dtype: x.dtype }];
    });
    return { op: { kind: "kernel", infer } as unknown as KernelOp, infer };
  };

  it("infers once for arguments of the same metas and values, again when any differs", () => {
    const { op, infer } = fakeOp();
    const memory = new RememberedMetas(op);
    const first = memory.metasFor([zeros([2, 3]), 4, [1, 2], "tanh"]);
    expect(metasOf(first)).toEqual([{ shape: [2, 4], dtype: "float32" }]);
    expect(metasOf(memory.metasFor([tensor([[1, 2, 3], [4, 5, 6]]), 4, [1, 2], "tanh"]))).toEqual(metasOf(first));
    expect(infer).toHaveBeenCalledTimes(1);
    const changes: unknown[][] = [
      [zeros([3, 3]), 4, [1, 2], "tanh"],
      [zeros([3, 3], { dtype: "int64" }), 4, [1, 2], "tanh"],
      [zeros([3, 3], { dtype: "int64" }), 5, [1, 2], "tanh"],
      [zeros([3, 3], { dtype: "int64" }), 5, [1, 3], "tanh"],
      [zeros([3, 3], { dtype: "int64" }), 5, [1, 3], "relu"],
      [zeros([3, 3], { dtype: "int64" }), -0, [1, 3], "relu"],
      [zeros([3, 3], { dtype: "int64" }), 0, [1, 3], "relu"],
    ];
    for (const [i, args] of changes.entries()) {
      memory.metasFor(args);
      expect(infer).toHaveBeenCalledTimes(i + 2);
    }
  });

  it("lists of tensors match by each tensor's metas", () => {
    const { op, infer } = fakeOp();
    const memory = new RememberedMetas(op);
    memory.metasFor([zeros([2]), 1, [zeros([2]), zeros([3])]]);
    memory.metasFor([zeros([2]), 1, [zeros([2]), zeros([3])]]);
    expect(infer).toHaveBeenCalledTimes(1);
    memory.metasFor([zeros([2]), 1, [zeros([2]), zeros([4])]]);
    memory.metasFor([zeros([2]), 1, [zeros([2])]]);
    expect(infer).toHaveBeenCalledTimes(3);
  });

  it("an argument it cannot compare (an object) is never remembered, nor a failed infer", () => {
    const { op, infer } = fakeOp();
    const memory = new RememberedMetas(op);
    memory.metasFor([zeros([2]), 1, { mode: "x" }]);
    memory.metasFor([zeros([2]), 1, { mode: "x" }]);
    expect(infer).toHaveBeenCalledTimes(2);
    expect(() => memory.metasFor([zeros([]), 1])).toThrow(/0-d input/);
    expect(() => memory.metasFor([zeros([]), 1])).toThrow(/0-d input/);
    expect(infer).toHaveBeenCalledTimes(4);
  });
});

describe("plans with remembered metas", () => {
  const plan = compileGraph(
    parseGraph(`graph(%x : Tensor, %w : Tensor, %b : Tensor, %s : float):
  %act : str = prim::Constant[value="tanh"]()
  %y : Tensor = tsjit::linear_act(%x, %w, %b, %act)
  %z : Tensor = aten::mul.Scalar(%y, %s)
  return (%z)
`),
  );
  const eager = (x: Tensor, w: Tensor, b: Tensor, s: number) => x.matmul(w.t()).add(b).tanh().mul(s);

  it("follow shapes, dtypes and scalars that change from run to run, as eager code does", () => {
    const inputs = fc.record({ rows: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }), K: fc.integer({ min: 1, max: 4 }), N: fc.integer({ min: 1, max: 4 }), s: fc.constantFrom(0.5, 2, -1), seed: fc.integer({ min: 0, max: 1 << 20 }) });
    fc.assert(
      fc.property(fc.array(inputs, { minLength: 1, maxLength: 4 }), (runs) => {
        for (const { rows, K, N, s, seed } of [...runs, ...runs]) {
          const args = [randomTensor([...rows, K], seed), randomTensor([N, K], seed + 1), randomTensor([N], seed + 2)] as const;
          const [got] = runPlan(plan, undefined, [...args, s]) as Tensor[];
          const want = eager(...args, s);
          expectClose(got!, want, 1e-6, 1e-5);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("still check the arguments after a remembered run: a mismatch is the node's error", () => {
    runPlan(plan, undefined, [zeros([2, 3]), zeros([4, 3]), zeros([4]), 1]);
    const error = thrownTsjitError(() => runPlan(plan, undefined, [zeros([2, 5]), zeros([4, 3]), zeros([4]), 1]));
    expect(error.message).toMatch(/linear_act/);
    expect(error.message).toMatch(/\[2, 5\]/);
    const dtype = thrownTsjitError(() => runPlan(plan, undefined, [zeros([2, 3], { dtype: "int64" }), zeros([4, 3]), zeros([4]), 1]));
    expect(dtype.message).toMatch(/linear_act/);
  });
});
