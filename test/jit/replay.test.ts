/**
 * Note [Replayed plans]: a plan whose ops never read a tensor's value records the
 * backend calls of a run made twice in a row with the same input signature, and
 * replays them while the inputs match. Checked: replayed runs compute what the same
 * plan without replays computes (the fixture models traced on each backend and in
 * their @script form, If and Loop included, with generated inputs; random graphs), the op
 * code really is skipped, each run gets new outputs, a change of shape, aliasing,
 * scalar or backend runs normally, a plan that cannot be replayed is not, a run that
 * touches a storage the recording cannot account for is never replayed, and a replay
 * whose backend call fails reports the node; a saved and loaded model replays too, and
 * TSJIT_REPLAY=0 turns replays off;
 * generated call sequences whose shapes, layouts, aliasing and scalars change compute
 * what a plan that never replays computes.
 */
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { load, optimizeForInference, randn, save, tensor, trace, Tensor, type ScriptModule } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { compileGraph, runPlan, type Plan } from "../../runtime/jit/executor.js";
import type { Backend } from "../../runtime/kernels/Backend.js";
import { currentBackend, jsBackend, nativeBackend, withBackend } from "../../runtime/kernels/index.js";
import { getOverloads, type OpDef } from "../../runtime/ops/registry.js";
import { randomGraph } from "../ir/randomGraph.js";
import { randomTensor } from "../ops/linalgReference.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { scriptedFixtureModel } from "../utils/scriptedFixtureModels.js";
import { loadModelCases } from "../utils/modelFixtures.js";
import { valuesOf } from "../utils/values.js";

type KernelOp = Extract<OpDef, { kind: "kernel" }>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const native = nativeBackend();
const BACKENDS: [string, Backend][] = [["js", jsBackend], ...(native ? [["native", native.backend] as [string, Backend]] : [])];

function kernel(name: string, overload = ""): KernelOp {
  const op = getOverloads(name).find((o) => o.parsed.overload === overload);
  if (op?.kind !== "kernel") throw new Error(`${name}.${overload} is not a kernel op`);
  return op;
}

const ADD = `graph(%x : Tensor, %y : Tensor):
  %one : int = prim::Constant[value=1]()
  %s : Tensor = aten::add.Tensor(%x, %y, %one)
  %r : Tensor = aten::relu(%s)
  return (%r)
`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("replayed plans compute what the plan computes", () => {
  it.each(["simple", "mlp", "cnn", "rnn", "attention"] as const)("the %s fixture model, optimized, on each backend, over generated inputs", async (name) => {
    const model = await loadFixtureModel(name);
    const [example] = loadModelCases(name);
    const module = optimizeForInference(trace(model, example!.inputs));
    for (const [label, backend] of BACKENDS) {
      withBackend(backend, () => {
        const replayed = compileGraph(module.graph);
        const plain = compileGraph(module.graph, { replay: false });
        expect(replayed.replays, `${name} on ${label}`).toBeDefined();
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 1 << 20 }), (seed) => {
            const inputs = example!.inputs.map((x, i) => (x.dtype === "float32" ? randomTensor(x.shape, seed + i) : x));
            for (let call = 0; call < 3; call++) {
              expect(valuesOf(runPlan(replayed, module, inputs)), `${name} on ${label}, call ${call}`).toEqual(valuesOf(runPlan(plain, module, inputs)));
            }
            expect(replayed.replays!.recorded, `${name} on ${label}`).toBe(true);
          }),
          { numRuns: 4 },
        );
      });
    }
  });

  it.each(["simple", "controlflow", "mlp", "cnn", "rnn", "attention"] as const)("the %s fixture model's @script form, optimized: replayed where its control flow follows from shapes and scalars", async (name) => {
    const module = optimizeForInference(await scriptedFixtureModel(name));
    const [example] = loadModelCases(name);
    const replayed = compileGraph(module.graph);
    const plain = compileGraph(module.graph, { replay: false });
    // controlflow's If reads the value of x.sum(): no replay can stand for it.
    if (name === "controlflow") return expect(replayed.replays).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 20 }), (seed) => {
        const inputs = example!.inputs.map((x, i) => (x.dtype === "float32" ? randomTensor(x.shape, seed + i) : x));
        for (let call = 0; call < 3; call++) expect(valuesOf(runPlan(replayed, module, inputs)), `${name}, call ${call}`).toEqual(valuesOf(runPlan(plain, module, inputs)));
        expect(replayed.replays!.recorded).toBe(true);
      }),
      { numRuns: 3 },
    );
  });

  it("a model saved and loaded back replays too, and computes what the original computes", async () => {
    const model = await loadFixtureModel("mlp");
    const [example] = loadModelCases("mlp");
    const module = optimizeForInference(trace(model, example!.inputs));
    const loaded = (await load(await save(module))) as ScriptModule;
    const want = valuesOf(module.forward(...example!.inputs));
    const run = vi.spyOn(kernel("linear_act_linear"), "run");
    for (let call = 0; call < 4; call++) expect(valuesOf(loaded.forward(...example!.inputs)), `call ${call}`).toEqual(want);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("random straight-line and branching graphs, over repeated runs, and kept outputs stay as they were", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const input = fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 });
    let replayedGraphs = 0;
    fc.assert(
      fc.property(fc.gen(), input, fc.integer({ min: 0, max: 3 }), (g, values, n) => {
        const graph = randomGraph(g);
        const replayed = compileGraph(graph);
        const plain = compileGraph(graph, { replay: false });
        const inputs = () => graph.inputs.map((v) => (v.type.kind === "int" ? n : tensor(values)));
        const outcome = (plan: Plan) => {
          try {
            return { outputs: valuesOf(runPlan(plan, undefined, inputs())) };
          } catch (error) {
            return { error: (error as Error).message };
          }
        };
        const want = outcome(plain);
        const kept: { outputs: unknown[]; values: unknown }[] = [];
        for (let call = 0; call < 4; call++) {
          expect(outcome(replayed)).toEqual(want);
          if ("error" in want) continue;
          const outputs = runPlan(replayed, undefined, inputs());
          kept.push({ outputs, values: valuesOf(outputs) });
        }
        for (const { outputs, values: before } of kept) expect(valuesOf(outputs)).toEqual(before);
        if (replayed.replays?.recorded) replayedGraphs++;
      }),
      { numRuns: 150 },
    );
    expect(replayedGraphs).toBeGreaterThan(10);
  });
});

describe("calls whose signatures change from call to call", () => {
  const VIEWS = `graph(%x : Tensor, %y : Tensor, %s : float):
  %one : int = prim::Constant[value=1]()
  %zero : int = prim::Constant[value=0]()
  %minus : int = prim::Constant[value=-1]()
  %f : Tensor = aten::flatten.using_ints(%x, %zero, %minus)
  %g : Tensor = aten::flatten.using_ints(%y, %zero, %minus)
  %h : Tensor = aten::add.Tensor(%f, %g, %one)
  %m : Tensor = aten::mul.Scalar(%h, %s)
  %r : Tensor = aten::relu(%m)
  return (%r, %h)
`;

  it("replay where they repeat and run normally where they change, with the results of a plan that never replays", () => {
    const graph = parseGraph(VIEWS);
    const layouts = ["contiguous", "transposed", "strided"] as const;
    const call = fc.record({
      shape: fc.constantFrom([2, 3], [3, 2], [4, 5]),
      xLayout: fc.constantFrom(...layouts),
      yLayout: fc.constantFrom(...layouts),
      aliased: fc.boolean(),
      scale: fc.constantFrom(0.5, 2),
      repeats: fc.integer({ min: 1, max: 4 }),
      seed: fc.integer({ min: 0, max: 1 << 20 }),
    });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 8 }), (calls) => {
        const replayed = compileGraph(graph);
        const plain = compileGraph(graph, { replay: false });
        const kept: { outputs: unknown[]; values: unknown }[] = [];
        for (const { shape, xLayout, yLayout, aliased, scale, repeats, seed } of calls) {
          const x = randomTensor(shape, seed, xLayout);
          const y = aliased ? x : randomTensor(shape, seed + 1, yLayout);
          for (let i = 0; i < repeats; i++) {
            const outputs = runPlan(replayed, undefined, [x, y, scale]);
            expect(valuesOf(outputs)).toEqual(valuesOf(runPlan(plain, undefined, [x, y, scale])));
            kept.push({ outputs, values: valuesOf(outputs) });
          }
          if (repeats >= 3) expect(replayed.replays!.recorded).toBe(true);
        }
        for (const { outputs, values } of kept) expect(valuesOf(outputs)).toEqual(values);
      }),
      { numRuns: 60 },
    );
  });
});

describe("when a plan replays", () => {
  it("from the third run with the same signature, without running the ops, with new outputs each run", () => {
    const plan = compileGraph(parseGraph(ADD));
    const x = randn([4, 300]);
    const y = randn([300]);
    const want = x.add(y).relu().toTypedArray();
    const run = vi.spyOn(kernel("add", "Tensor"), "run");
    const results = [0, 1, 2, 3].map(() => runPlan(plan, undefined, [x, y])[0] as Tensor);
    expect(run).toHaveBeenCalledTimes(2);
    for (const result of results) expect(result.toTypedArray()).toEqual(want);
    expect(new Set(results.map((r) => r.storage)).size).toBe(4);
  });

  it("with other values of the same signature, in place of the recorded inputs", () => {
    const plan = compileGraph(parseGraph(ADD));
    const [x, y] = [randn([3, 5]), randn([5])];
    runPlan(plan, undefined, [x, y]);
    runPlan(plan, undefined, [x, y]);
    const [a, b] = [randn([3, 5]), randn([5])];
    expect((runPlan(plan, undefined, [a, b])[0] as Tensor).toTypedArray()).toEqual(a.add(b).relu().toTypedArray());
  });

  it("not when a shape, stride, offset, aliasing or scalar differs, and records the new signature after two runs", () => {
    const plan = compileGraph(parseGraph(ADD));
    const x = randn([4, 6]);
    const twice = x.mul(2);
    const run = vi.spyOn(kernel("add", "Tensor"), "run");
    for (let i = 0; i < 3; i++) runPlan(plan, undefined, [x, twice]);
    expect(run).toHaveBeenCalledTimes(2);
    const others: [Tensor, Tensor][] = [
      [randn([2, 6]), randn([2, 6])],
      [randn([6, 4]).transpose(0, 1), randn([4, 6])],
      [randn([5, 6]).narrow(0, 1, 4), randn([4, 6])],
      [x, x],
    ];
    for (const [a, b] of others) {
      const want = a.add(b).relu().toTypedArray();
      run.mockClear();
      const got = runPlan(plan, undefined, [a, b])[0] as Tensor;
      expect(run).toHaveBeenCalledTimes(1);
      expect(got.toTypedArray()).toEqual(want);
    }
    const shared = randn([4, 6]);
    for (let i = 0; i < 2; i++) runPlan(plan, undefined, [shared, shared]);
    run.mockClear();
    const again = randn([4, 6]);
    const replayed = runPlan(plan, undefined, [again, again])[0] as Tensor;
    expect(run).not.toHaveBeenCalled();
    expect(replayed.toTypedArray()).toEqual(again.add(again).relu().toTypedArray());
    const scaled = compileGraph(
      parseGraph(`graph(%x : Tensor, %s : float):
  %y : Tensor = aten::mul.Scalar(%x, %s)
  return (%y)
`),
    );
    const tripled = x.mul(3).toTypedArray();
    const mul = vi.spyOn(kernel("mul", "Scalar"), "run");
    for (let i = 0; i < 3; i++) runPlan(scaled, undefined, [x, 2]);
    expect(mul).toHaveBeenCalledTimes(2);
    expect((runPlan(scaled, undefined, [x, 3])[0] as Tensor).toTypedArray()).toEqual(tripled);
    expect(mul).toHaveBeenCalledTimes(3);
  });

  it("not on another backend than the one it recorded on", () => {
    const [other] = BACKENDS.map(([, backend]) => backend).filter((backend) => backend !== currentBackend());
    if (!other) return expect(native).toBeUndefined();
    const plan = compileGraph(parseGraph(ADD));
    const run = vi.spyOn(kernel("add", "Tensor"), "run");
    const [x, y] = [randn([4, 300]), randn([300])];
    for (let i = 0; i < 3; i++) runPlan(plan, undefined, [x, y]);
    expect(run).toHaveBeenCalledTimes(2);
    withBackend(other, () => runPlan(plan, undefined, [x, y]));
    expect(run).toHaveBeenCalledTimes(3);
  });

  it("never, for a plan that reads a tensor's value, prints or reads a module, or an op it cannot repeat", () => {
    const plans = [
      `graph(%x : Tensor):
  %zero : float = prim::Constant[value=0.]()
  %v : float = aten::Float.Tensor(%x)
  %c : bool = aten::gt.float(%v, %zero)
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      -> (%x)
  return (%y)
`,
      `graph(%x : Tensor):
  %none : NoneType = prim::Constant()
  %false : bool = prim::Constant[value=false]()
  %i : Tensor = aten::argmax(%x, %none, %false)
  return (%i)
`,
      `graph(%x : Tensor):
  %y : Tensor = aten::relu(%x)
  prim::Print(%y)
  return (%y)
`,
    ];
    for (const text of plans) expect(compileGraph(parseGraph(text)).replays, text).toBeUndefined();
    expect(compileGraph(parseGraph(ADD), { memoryPlanning: false }).replays).toBeUndefined();
    expect(compileGraph(parseGraph(ADD), { replay: false }).replays).toBeUndefined();
  });

  it("through If and Loop decided by scalars and shapes: each signature its own unrolled run", () => {
    const graph = parseGraph(`graph(%x : Tensor, %flag : bool):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %true : bool = prim::Constant[value=true]()
  %n : int = aten::size.int(%x, %zero)
  %out : Tensor = prim::Loop(%n, %true, %x)
    block0(%i : int, %acc : Tensor):
      %row : Tensor = aten::select.int(%x, %zero, %i)
      %next : Tensor = aten::add.Tensor(%acc, %row, %one)
      %t : Tensor = prim::If(%flag)
        block0():
          %r : Tensor = aten::relu(%next)
          -> (%r)
        block1():
          %h : Tensor = aten::tanh(%next)
          -> (%h)
      -> (%true, %t)
  return (%out)
`);
    const replayed = compileGraph(graph);
    const plain = compileGraph(graph, { replay: false });
    expect(replayed.replays).toBeDefined();
    const run = vi.spyOn(kernel("add", "Tensor"), "run");
    for (const [rows, flag] of [[3, true], [3, false], [1, true], [5, false]] as const) {
      const x = randn([rows, 4]);
      run.mockClear();
      for (let call = 0; call < 4; call++) {
        expect(valuesOf(runPlan(replayed, undefined, [x, flag])), `${rows} rows, ${flag}`).toEqual(valuesOf(runPlan(plain, undefined, [x, flag])));
      }
      // The plain plan's 4 runs and the replayed plan's first 2 ran the ops, once per row.
      expect(run).toHaveBeenCalledTimes((4 + 2) * rows);
    }
  });

  it("never, with TSJIT_REPLAY=0 in the environment", async () => {
    const probe = `
const { parseGraph } = await import(${JSON.stringify(resolve(root, "dist/runtime/ir/parser.js"))});
const { compileGraph } = await import(${JSON.stringify(resolve(root, "dist/runtime/jit/executor.js"))});
console.log(compileGraph(parseGraph(${JSON.stringify(ADD)})).replays === undefined ? "off" : "on");
`;
    const replays = async (env: Record<string, string>) =>
      (await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 })).stdout.trim();
    expect(await replays({ TSJIT_REPLAY: "0" })).toBe("off");
    expect(await replays({ TSJIT_REPLAY: "1" })).toBe("on");
  });

  it("never, when a run's backend calls touch a storage that is no input's, constant's or pool's", () => {
    const plan = compileGraph(parseGraph(ADD));
    const [x, y] = [randn([3, 4]), randn([4])];
    const want = x.add(y).relu().toTypedArray();
    const relu = kernel("relu");
    const original = relu.run;
    // An op that computes into a temporary of its own, then copies it out.
    const run = vi.spyOn(relu, "run").mockImplementation((args, outs, backend) => {
      const temporary = new Tensor(new Float32Array(outs[0]!.numel()), outs[0]!.shape, outs[0]!.strides, 0, "float32");
      original(args, [temporary], backend);
      backend.copy(temporary, outs[0]!);
    });
    for (let i = 0; i < 5; i++) expect((runPlan(plan, undefined, [x, y])[0] as Tensor).toTypedArray()).toEqual(want);
    expect(run).toHaveBeenCalledTimes(5);
  });

  it("and a backend call fails, by running normally: the error names the node", () => {
    const failing = { ...currentBackend(), fails: false } as Backend & { fails: boolean };
    const binary = failing.binary.bind(failing);
    failing.binary = (...args) => {
      if (failing.fails) throw new RangeError("the device is gone");
      binary(...args);
    };
    const plan = compileGraph(parseGraph(ADD));
    const [x, y] = [randn([3, 4]), randn([4])];
    withBackend(failing, () => {
      for (let i = 0; i < 3; i++) runPlan(plan, undefined, [x, y]);
      failing.fails = true;
      expect(() => runPlan(plan, undefined, [x, y])).toThrow(/the device is gone[\s\S]*aten::add\.Tensor/);
    });
  });
});
