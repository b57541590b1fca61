import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freeze, optimizeForInference, randn, trace, type Tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { compileGraph, runPlan, type Plan } from "../../runtime/jit/executor.js";
import type { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { countAllocations } from "../../bench/allocationCount.js";
import { newFixtureModel } from "../utils/fixtureModels.js";

/** Per instruction, the debug names of the values that die there. */
function dyingNames(plan: Plan): string[][] | null {
  return plan.releases?.map((slots) => slots.map((slot) => plan.values[slot]?.debugName ?? "?").sort()) ?? null;
}

function optimized(name: "simple" | "mlp" | "rnn", input: Tensor): { eager: (x: Tensor) => Tensor; planned: ScriptModule } {
  const model = newFixtureModel(name);
  model.eval();
  return { eager: (x) => model.forward(x), planned: optimizeForInference(freeze(trace(model, [input]))) };
}

const INPUT_SHAPES = { simple: (b: number) => [b, 10], mlp: (b: number) => [b, 784], rnn: (b: number) => [3, b, 64] } as const;

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

  it("plans with control flow are not planned", () => {
    const plan = compileGraph(
      parseGraph(`graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      -> (%x)
  return (%y)
`),
    );
    expect(plan.releases).toBeNull();
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
  it("an optimized module's steady-state forward allocates only its output", () => {
    for (const name of ["simple", "mlp", "rnn"] as const) {
      const input = randn([...INPUT_SHAPES[name](1)]);
      const { planned } = optimized(name, input);
      planned.forward(input);
      planned.forward(input);
      expect(countAllocations(() => planned.forward(input)).buffers, name).toBe(1);
    }
  });

  it("planned == eager, across changing input shapes, and kept outputs are not overwritten", () => {
    for (const name of ["simple", "mlp", "rnn"] as const) {
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
