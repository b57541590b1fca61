import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freeze, optimizeForInference, randn, trace, type Tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { compileGraph, runPlan, type Plan } from "../../runtime/jit/executor.js";
import type { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { countAllocations } from "../../bench/allocationCount.js";
import { newFixtureModel } from "../utils/fixtureModels.js";

function names(plan: Plan, slots: readonly number[]): string[] {
  return slots.map((slot) => plan.values[slot]?.debugName ?? "?").sort();
}

/** Per instruction, the debug names of the values that die after it ("?" for a loop's condition register). */
function dyingNames(plan: Plan): string[][] {
  return plan.releases!.after.map((slots) => names(plan, slots));
}

/** Per branch instruction (by index), the names dying on its fall-through and its taken edge. */
function dyingOnEdges(plan: Plan): Record<number, string[][]> {
  const edges: Record<number, string[][]> = {};
  plan.releases!.onEdge.forEach((perEdge, pc) => {
    if (perEdge.length > 0) edges[pc] = perEdge.map((slots) => names(plan, slots));
  });
  return edges;
}

function optimized(name: keyof typeof INPUT_SHAPES, input: Tensor): { eager: (x: Tensor) => Tensor; planned: ScriptModule } {
  const model = newFixtureModel(name);
  model.eval();
  return { eager: (x) => model.forward(x), planned: optimizeForInference(freeze(trace(model, [input]))) };
}

const INPUT_SHAPES = {
  simple: (b: number) => [b, 10],
  mlp: (b: number) => [b, 784],
  rnn: (b: number) => [3, b, 64],
  cnn: (b: number) => [b, 1, 28, 28],
  attention: (b: number) => [b, 8, 256],
} as const;

describe("executor arena: liveness", () => {
  it("a value dies at its last reader; unread values where they are made; outputs never", () => {
    const plan = compileGraph(
      parseGraph(`graph(%x : Tensor):
  %a : Tensor = aten::relu(%x)
  %b : Tensor = aten::neg(%a)
  %unused : Tensor = aten::exp(%a)
  %one : int = prim::Constant[value=1]()
  %c : Tensor = aten::add.Tensor(%a, %b, %one)
  return (%c)
`),
    );
    expect(dyingNames(plan)).toEqual([["x"], [], ["unused"], ["a", "b", "one"]]);
  });

  it("inside If: a value read on one branch only dies on entry to the other", () => {
    const plan = compileGraph(
      parseGraph(`graph(%x : Tensor, %c : bool):
  %a : Tensor = aten::relu(%x)
  %y : Tensor = prim::If(%c)
    block0():
      %b : Tensor = aten::neg(%a)
      -> (%b)
    block1():
      -> (%x)
  return (%y)
`),
    );
    // relu; JUMP_IF_FALSE %c; neg; MOVE %b -> %y; JUMP; MOVE %x -> %y
    expect(dyingNames(plan)).toEqual([[], ["c"], ["a"], ["b"], [], ["x"]]);
    expect(dyingOnEdges(plan)).toEqual({ 1: [["x"], ["a"]] });
  });

  it("inside Loop: carried values live across iterations, loop-invariant values until the exit", () => {
    const plan = compileGraph(
      parseGraph(`graph(%x : Tensor, %n : int):
  %t : bool = prim::Constant[value=true]()
  %h : Tensor = prim::Loop(%n, %t, %x)
    block0(%i : int, %h1 : Tensor):
      %h2 : Tensor = aten::mul.Tensor(%h1, %x)
      -> (%t, %h2)
  return (%h)
`),
    );
    // MOVE (%t, %x) -> (cond, %h1); LOOP_INIT %i; LOOP_TEST; mul; MOVE (%t, %h2) -> (cond, %h1); LOOP_NEXT; MOVE %h1 -> %h
    expect(dyingNames(plan)).toEqual([[], [], ["?"], ["h1"], ["h2"], [], ["h1"]]);
    expect(dyingOnEdges(plan)).toEqual({ 2: [[], ["i", "n", "t", "x"]] });
  });

  it("a view keeps its base's storage out of the pool while it is live", () => {
    const plan = compileGraph(
      parseGraph(`graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::relu(%x)
  %v : Tensor = aten::select.int(%a, %zero, %zero)
  %b : Tensor = aten::neg(%x)
  %c : Tensor = aten::add.Tensor(%v, %b, %one)
  return (%c)
`),
    );
    const x = randn([2, 3]);
    const want = x.relu().select(0, 0).add(x.neg());
    for (let i = 0; i < 3; i++) expect((runPlan(plan, undefined, [x])[0] as Tensor).tolist()).toEqual(want.tolist());
  });
});

describe("executor arena: runs", () => {
  it("an optimized module's steady-state forward allocates only its output (attention: chunk's views, a reshape that copies, scalar operands)", () => {
    for (const name of ["simple", "mlp", "rnn", "cnn", "attention"] as const) {
      const input = randn([...INPUT_SHAPES[name](1)]);
      const { planned } = optimized(name, input);
      planned.forward(input);
      planned.forward(input);
      expect(countAllocations(() => planned.forward(input)).buffers, name).toBe(1);
    }
  });

  it("with If and Loop (an Elman RNN's time loop, a branch): a steady-state run allocates only its output", () => {
    const rnn = `graph(%x : Tensor, %w_ih : Tensor, %w_hh : Tensor, %b : Tensor, %h0 : Tensor):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %steps : int = aten::size.int(%x, %zero)
  %h : Tensor = prim::Loop(%steps, %true, %h0)
    block0(%t : int, %h1 : Tensor):
      %xt : Tensor = aten::select.int(%x, %zero, %t)
      %w_ih_t : Tensor = aten::t(%w_ih)
      %a : Tensor = aten::matmul(%xt, %w_ih_t)
      %w_hh_t : Tensor = aten::t(%w_hh)
      %c : Tensor = aten::matmul(%h1, %w_hh_t)
      %s : Tensor = aten::add.Tensor(%a, %c, %one)
      %s2 : Tensor = aten::add.Tensor(%s, %b, %one)
      %h2 : Tensor = aten::tanh(%s2)
      -> (%true, %h2)
  return (%h)
`;
    const branch = `graph(%x : Tensor, %flag : bool):
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::relu(%x)
  %y : Tensor = prim::If(%flag)
    block0():
      %b : Tensor = aten::neg(%a)
      %d : Tensor = aten::exp(%b)
      -> (%d)
    block1():
      %e : Tensor = aten::mul.Tensor(%a, %a)
      -> (%e)
  %z : Tensor = aten::add.Tensor(%y, %x, %one)
  return (%z)
`;
    const cases: [string, string, unknown[]][] = [
      ["rnn", rnn, [randn([7, 1, 4]), randn([6, 4]), randn([6, 6]), randn([6]), randn([1, 6])]],
      ["branch taken", branch, [randn([2, 3]), true]],
      ["branch not taken", branch, [randn([2, 3]), false]],
    ];
    for (const [name, text, inputs] of cases) {
      const planned = compileGraph(parseGraph(text));
      const want = (runPlan(compileGraph(parseGraph(text), { memoryPlanning: false }), undefined, inputs)[0] as Tensor).tolist();
      runPlan(planned, undefined, inputs);
      runPlan(planned, undefined, inputs);
      let got: unknown[] = [];
      expect(countAllocations(() => (got = runPlan(planned, undefined, inputs))).buffers, name).toBe(1);
      expect((got[0] as Tensor).tolist(), name).toEqual(want);
    }
  });

  it("planned == eager, across changing input shapes, and kept outputs are not overwritten", () => {
    for (const name of ["simple", "mlp", "rnn", "attention"] as const) {
      const { eager, planned } = optimized(name, randn([...INPUT_SHAPES[name](2)]));
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (batches) => {
          const kept = batches.map((b) => {
            const x = randn([...INPUT_SHAPES[name](b)]);
            const got = planned.forward(x) as Tensor;
            return { got, snapshot: got.tolist(), want: eager(x) };
          });
          for (const { got, snapshot, want } of kept) {
            expect(got.tolist()).toEqual(snapshot);
            const g = got.toTypedArray();
            const w = want.toTypedArray();
            expect(g.length).toBe(w.length);
            g.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w[i]!)));
          }
        }),
        { numRuns: 15 },
      );
    }
  });
});
