/**
 * Note [Remembered views]: plan instructions for view and composite ops on a tensor make
 * their views from the layouts of the last run when the input's layout and the other
 * arguments match. Checked against eager code over inputs whose shapes and layouts
 * change from run to run, and for what must not be remembered: copies, the input itself,
 * tensor arguments, ops that write.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randn, Tensor } from "../../runtime/index.js";
import { opOfKind } from "../../runtime/ir/opKinds.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../../runtime/jit/executor.js";
import { remembersViews } from "../../runtime/jit/executor/rememberedViews.js";

const plan = (text: string) => compileGraph(parseGraph(text));

/** `x` of `shape`, stored as it is or with its last two dims swapped in storage (a transposed view). */
function withLayout(shape: readonly number[], transposed: boolean): Tensor {
  if (!transposed || shape.length < 2) return randn([...shape]);
  const swapped = [...shape];
  [swapped[swapped.length - 1], swapped[swapped.length - 2]] = [swapped[swapped.length - 2]!, swapped[swapped.length - 1]!];
  return randn(swapped).transpose(-1, -2);
}

const VIEWS = plan(`graph(%x : Tensor, %chunks : int):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %minus : int = prim::Constant[value=-1]()
  %f : Tensor = aten::flatten.using_ints(%x, %one, %minus)
  %t : Tensor = aten::transpose.int(%f, %zero, %one)
  %parts : Tensor[] = aten::chunk(%t, %chunks, %zero)
  %c : Tensor = aten::contiguous(%x)
  %n : Tensor = aten::narrow(%x, %zero, %zero, %one)
  %tx : Tensor = aten::transpose.int(%x, %zero, %one)
  return (%f, %t, %parts, %c, %n, %tx)
`);

function eagerViews(x: Tensor, chunks: number): unknown[] {
  const f = x.flatten(1, -1);
  const t = f.transpose(0, 1);
  return [f, t, t.chunk(chunks, 0), x.contiguous(), x.narrow(0, 0, 1), x.transpose(0, 1)];
}

function describeTensor(t: Tensor, base: Tensor) {
  return { shape: [...t.shape], values: t.tolist(), sharesInput: t.storage === base.storage };
}

const describeAll = (values: unknown[], base: Tensor) =>
  values.map((v) => (Array.isArray(v) ? (v as Tensor[]).map((t) => describeTensor(t, base)) : describeTensor(v as Tensor, base)));

describe("remembered views (Note [Remembered views])", () => {
  it("are for view and composite ops on a tensor that return tensors and write nothing", () => {
    expect(remembersViews(opOfKind("aten::transpose.int"))).toBe(true);
    expect(remembersViews(opOfKind("aten::chunk"))).toBe(true);
    expect(remembersViews(opOfKind("aten::reshape"))).toBe(true);
    expect(remembersViews(opOfKind("aten::relu"))).toBe(false);
    expect(remembersViews(opOfKind("aten::size.int"))).toBe(false);
    expect(remembersViews(opOfKind("aten::append.t"))).toBe(false);
  });

  it("give eager code's views, values and storage sharing, as shapes and layouts change from run to run", () => {
    const input = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
      transposed: fc.boolean(),
      chunks: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 4 }), (runs) => {
        for (const { shape, transposed, chunks } of [...runs, ...runs]) {
          const x = withLayout(shape, transposed);
          const got = runPlan(VIEWS, undefined, [x, chunks]);
          expect(describeAll(got, x)).toEqual(describeAll(eagerViews(x, chunks), x));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a reshape that copies is not remembered: each run copies its own input", () => {
    const reshape = plan(`graph(%x : Tensor):
  %shape : int[] = prim::Constant[value=[-1]]()
  %y : Tensor = aten::reshape(%x, %shape)
  return (%y)
`);
    for (let i = 0; i < 3; i++) {
      const x = withLayout([3, 4], true);
      const [y] = runPlan(reshape, undefined, [x]) as Tensor[];
      expect(y!.storage).not.toBe(x.storage);
      expect(y!.tolist()).toEqual(x.reshape([-1]).tolist());
    }
  });

  it("an op that returns its input returns the input itself on every run", () => {
    const contiguous = plan(`graph(%x : Tensor):
  %y : Tensor = aten::contiguous(%x)
  return (%y)
`);
    for (let i = 0; i < 3; i++) {
      const x = randn([2, 3]);
      expect(runPlan(contiguous, undefined, [x])[0]).toBe(x);
    }
  });

  it("an op with another tensor argument is not remembered: expand_as follows the other's shape", () => {
    const expandAs = plan(`graph(%x : Tensor, %other : Tensor):
  %y : Tensor = aten::expand_as(%x, %other)
  return (%y)
`);
    const x = randn([1, 3]);
    for (const rows of [2, 4, 2]) {
      const [y] = runPlan(expandAs, undefined, [x, randn([rows, 3])]) as Tensor[];
      expect([...y!.shape]).toEqual([rows, 3]);
    }
  });
});
