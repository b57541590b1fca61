import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { callOp, tensor, Tensor, TsjitError } from "../../runtime/index.js";
import { Graph } from "../../runtime/ir/Graph.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { TensorType } from "../../runtime/ir/types.js";
import { compileGraph, runPlan } from "../../runtime/jit/executor.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { setOpObserver } from "../../runtime/ops/dispatch.js";
import { thrownTsjitError } from "../utils/errors.js";

function run(text: string, ...inputs: unknown[]): unknown[] {
  return runPlan(compileGraph(parseGraph(text)), undefined, inputs);
}

const catchError = (f: () => unknown): TsjitError => thrownTsjitError(f);

describe("executor: straight-line ops", () => {
  it("runs ops in order on bound arguments, constants included", () => {
    const [y] = run(
      `graph(%x : Tensor, %w : Tensor):
  %one : int = prim::Constant[value=1]()
  %two : float = prim::Constant[value=2.]()
  %a : Tensor = aten::mul.Tensor(%x, %w)
  %b : Tensor = aten::add.Tensor(%a, %x, %two)
  %c : Tensor = aten::relu(%b)
  %d : Tensor = aten::sub.Scalar(%c, %one, %one)
  return (%d)
`,
      tensor([1, -2, 3]),
      tensor([2, 2, 2]),
    );
    // x*w + 2x = [4, -8, 12]; relu -> [4, 0, 12]; -1 -> [3, -1, 11]
    expect((y as Tensor).tolist()).toEqual([3, -1, 11]);
  });

  it("gives several outputs as a list and tensor constants from graph.constants", () => {
    const graph = parseGraph(
      `graph(%x : Tensor):
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %y : Tensor = aten::mul.Tensor(%x, %k)
  %z : Tensor = aten::neg(%y)
  return (%y, %z)
`,
      new Map([["c0", tensor([10, 100])]]),
    );
    const [y, z] = runPlan(compileGraph(graph), undefined, [tensor([1, 2])]);
    expect((y as Tensor).tolist()).toEqual([10, 200]);
    expect((z as Tensor).tolist()).toEqual([-10, -200]);
  });

  it("an op with several returns fills several outputs (aten::max.dim)", () => {
    const [values, indices] = run(
      `graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %false : bool = prim::Constant[value=false]()
  %v : Tensor, %i : Tensor = aten::max.dim(%x, %one, %false)
  return (%v, %i)
`,
      tensor([[1, 5, 2], [7, 0, 3]]),
    );
    expect((values as Tensor).tolist()).toEqual([5, 7]);
    expect((indices as Tensor).tolist()).toEqual([1, 0]);
  });

  it("runs a plan many times with independent registers", () => {
    const plan = compileGraph(parseGraph("graph(%x : Tensor):\n  %y : Tensor = aten::neg(%x)\n  return (%y)\n"));
    expect((runPlan(plan, undefined, [tensor([1])])[0] as Tensor).tolist()).toEqual([-1]);
    expect((runPlan(plan, undefined, [tensor([5])])[0] as Tensor).tolist()).toEqual([-5]);
  });

  it("is not seen by eager dispatch observers", () => {
    const seen: string[] = [];
    const previous = setOpObserver({ onOp: (op) => seen.push(op.parsed.name) });
    try {
      run("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n  return (%y)\n", tensor([1]));
    } finally {
      setOpObserver(previous);
    }
    expect(seen).toEqual([]);
  });
});

describe("executor: control flow", () => {
  const ifGraph = `graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      %b : Tensor = aten::neg(%x)
      -> (%b)
  return (%y)
`;

  it("If takes the then-branch on true and the else-branch on false", () => {
    const plan = compileGraph(parseGraph(ifGraph));
    expect((runPlan(plan, undefined, [tensor([-1, 2]), true])[0] as Tensor).tolist()).toEqual([0, 2]);
    expect((runPlan(plan, undefined, [tensor([-1, 2]), false])[0] as Tensor).tolist()).toEqual([1, -2]);
  });

  it("If on a tensor condition through aten::Bool.Tensor", () => {
    const text = `graph(%x : Tensor):
  %none : NoneType = prim::Constant()
  %false : bool = prim::Constant[value=false]()
  %m : Tensor = aten::sum.dim_IntList(%x, %none, %false, %none)
  %c : bool = aten::Bool.Tensor(%m)
  %y : int = prim::If(%c)
    block0():
      %one : int = prim::Constant[value=1]()
      -> (%one)
    block1():
      %two : int = prim::Constant[value=2]()
      -> (%two)
  return (%y)
`;
    const plan = compileGraph(parseGraph(text));
    expect(runPlan(plan, undefined, [tensor([1, 2])])).toEqual([1]);
    expect(runPlan(plan, undefined, [tensor([1, -1])])).toEqual([2]);
  });

  const countedLoop = `graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %two : int = prim::Constant[value=2]()
  %out : Tensor, %last : int = prim::Loop(%n, %true, %x, %n)
    block0(%i : int, %h : Tensor, %k : int):
      %h2 : Tensor = aten::mul.Scalar(%h, %two)
      -> (%true, %h2, %i)
  return (%out, %last)
`;

  it("Loop runs maxTripCount times with carried values and the index", () => {
    const [out, last] = run(countedLoop, tensor([1, 3]), 3);
    expect((out as Tensor).tolist()).toEqual([8, 24]);
    expect(last).toBe(2);
  });

  it("Loop with zero trips gives the initial carried values", () => {
    const x = tensor([1, 3]);
    const [out, last] = run(countedLoop, x, 0);
    expect(out).toBe(x);
    expect(last).toBe(0);
  });

  it("Loop stops when the continue condition turns false, and does not start when the initial one is false", () => {
    // while (acc < limit) acc = acc * 2 (trip count unbounded); also count the trips
    const text = `graph(%acc0 : int, %limit : int):
  %max : int = prim::Constant[value=9223372036854775807]()
  %two : int = prim::Constant[value=2]()
  %one : int = prim::Constant[value=1]()
  %zero : int = prim::Constant[value=0]()
  %c0 : bool = aten::lt.int(%acc0, %limit)
  %acc : int, %trips : int = prim::Loop(%max, %c0, %acc0, %zero)
    block0(%i : int, %a : int, %t : int):
      %a2 : int = aten::mul.int(%a, %two)
      %t2 : int = aten::add.int(%t, %one)
      %c : bool = aten::lt.int(%a2, %limit)
      -> (%c, %a2, %t2)
  return (%acc, %trips)
`;
    const plan = compileGraph(parseGraph(text));
    expect(runPlan(plan, undefined, [1, 100])).toEqual([128, 7]);
    expect(runPlan(plan, undefined, [200, 100])).toEqual([200, 0]);
  });

  it("nested If inside a Loop: add even indices, subtract odd ones", () => {
    const text = `graph(%n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %two : int = prim::Constant[value=2]()
  %sum : int = prim::Loop(%n, %true, %zero)
    block0(%i : int, %s : int):
      %r : int = aten::remainder.int(%i, %two)
      %even : bool = aten::eq.int(%r, %zero)
      %s2 : int = prim::If(%even)
        block0():
          %p : int = aten::add.int(%s, %i)
          -> (%p)
        block1():
          %m : int = aten::sub.int(%s, %i)
          -> (%m)
      -> (%true, %s2)
  return (%sum)
`;
    const plan = compileGraph(parseGraph(text));
    const reference = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : -i)).reduce((a, b) => a + b, 0);
    for (const n of [0, 1, 2, 5, 10]) expect(runPlan(plan, undefined, [n])).toEqual([reference(n)]);
  });

  it("carried values swap correctly (returns read the old values)", () => {
    const text = `graph(%a0 : int, %b0 : int, %n : int):
  %true : bool = prim::Constant[value=true]()
  %a : int, %b : int = prim::Loop(%n, %true, %a0, %b0)
    block0(%i : int, %x : int, %y : int):
      -> (%true, %y, %x)
  return (%a, %b)
`;
    const plan = compileGraph(parseGraph(text));
    expect(runPlan(plan, undefined, [1, 2, 1])).toEqual([2, 1]);
    expect(runPlan(plan, undefined, [1, 2, 2])).toEqual([1, 2]);
  });
});

describe("executor: lists and tuples", () => {
  it("ListConstruct feeds aten::cat; split gives a list that ListUnpack takes apart; tuple outputs are arrays", () => {
    const [t] = run(
      `graph(%a : Tensor, %b : Tensor):
  %zero : int = prim::Constant[value=0]()
  %two : int = prim::Constant[value=2]()
  %l : Tensor[] = prim::ListConstruct(%a, %b)
  %c : Tensor = aten::cat(%l, %zero)
  %parts : Tensor[] = aten::split.Tensor(%c, %two, %zero)
  %p : Tensor, %q : Tensor = prim::ListUnpack(%parts)
  %t : (Tensor, Tensor) = prim::TupleConstruct(%q, %p)
  return (%t)
`,
      tensor([1, 2]),
      tensor([3, 4]),
    );
    expect(Array.isArray(t)).toBe(true);
    expect((t as Tensor[]).map((x) => x.tolist())).toEqual([[3, 4], [1, 2]]);
  });

  it("TupleUnpack of a tuple input; ListUnpack of the wrong length names the node", () => {
    const text = `graph(%t : (Tensor, int)):
  %x : Tensor, %n : int = prim::TupleUnpack(%t)
  return (%n)
`;
    expect(run(text, [tensor([1]), 7])).toEqual([7]);
    const error = catchError(() => run("graph(%l : Tensor[]):\n  %a : Tensor, %b : Tensor = prim::ListUnpack(%l)\n  return (%a)\n", [tensor([1])]));
    expect(error.code).toBe("GRAPH_RUNTIME");
    expect(error.message).toContain("expected a list of 2 values to unpack, got 1 values");
    expect(error.message).toContain("%a : Tensor, %b : Tensor = prim::ListUnpack(%l)");
  });
});

describe("executor: errors", () => {
  it("RaiseException throws the message, with the node and its source", () => {
    const text = `graph(%x : Tensor, %bad : bool):
  prim::If(%bad)
    block0():
      %msg : str = prim::Constant[value="x must be positive"]()
      prim::RaiseException(%msg) # model.ts:3:7
      -> ()
    block1():
      -> ()
  return (%x)
`;
    const plan = compileGraph(parseGraph(text));
    const x = tensor([1]);
    expect(runPlan(plan, undefined, [x, false])).toEqual([x]);
    const error = catchError(() => runPlan(plan, undefined, [x, true]));
    expect(error.code).toBe("GRAPH_RUNTIME");
    expect(error.message).toMatch(/^x must be positive\n/);
    expect(error.message).toContain("prim::RaiseException(%msg) # model.ts:3:7");
  });

  it("a shape mismatch in aten::matmul names the node, its file:line:col, and keeps the original error as cause", () => {
    const text = `graph(%x : Tensor, %w : Tensor):
  %y : Tensor = aten::matmul(%x, %w) # examples/models/mlp.ts:12:9
  return (%y)
`;
    const error = catchError(() => run(text, tensor([[1, 2, 3]]), tensor([[1, 2]])));
    expect(error.code).toBe("GRAPH_RUNTIME");
    expect(error.message).toContain("%y : Tensor = aten::matmul(%x, %w) # examples/models/mlp.ts:12:9");
    expect(error.cause).toBeInstanceOf(TsjitError);
    expect((error.cause as TsjitError).code).toBe("SHAPE_MISMATCH");
    expect(error.message.startsWith((error.cause as Error).message)).toBe(true);
  });

  it("an unknown op kind fails when compiling, naming the node", () => {
    const graph = new Graph();
    const x = graph.addInput(TensorType, "x");
    const node = graph.appendNode("aten::frobnicate", [x], { file: "m.ts", line: 4, col: 2 });
    graph.registerOutput(node.addOutput(TensorType, "y"));
    const error = catchError(() => compileGraph(graph));
    expect(error.code).toBe("UNKNOWN_OP");
    expect(error.message).toContain("unknown op 'aten::frobnicate'");
    expect(error.message).toContain("%y : Tensor = aten::frobnicate(%x) # m.ts:4:2");
  });

  it("Print logs its arguments", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      run('graph(%n : int):\n  %s : str = prim::Constant[value="n ="]()\n  prim::Print(%s, %n)\n  return (%n)\n', 3);
      expect(log).toHaveBeenCalledWith("n =", 3);
    } finally {
      log.mockRestore();
    }
  });
});

describe("executor: CallFunction", () => {
  it("calls functions by name, recursion included", () => {
    // fact(n) = n <= 1 ? 1 : n * fact(n - 1)
    const fact = new ScriptFunction(
      "fact",
      parseGraph(`graph(%n : int):
  %one : int = prim::Constant[value=1]()
  %base : bool = aten::le.int(%n, %one)
  %r : int = prim::If(%base)
    block0():
      -> (%one)
    block1():
      %m : int = aten::sub.int(%n, %one)
      %f : int = prim::CallFunction[name="fact"](%m)
      %p : int = aten::mul.int(%n, %f)
      -> (%p)
  return (%r)
`),
    );
    expect(fact.call(5)).toBe(120);
    const caller = new ScriptFunction("twiceFact", parseGraph('graph(%n : int):\n  %f : int = prim::CallFunction[name="fact"](%n)\n  %two : int = prim::Constant[value=2]()\n  %r : int = aten::mul.int(%f, %two)\n  return (%r)\n'));
    expect(() => caller.call(3)).toThrow(/no function named 'fact'/);
    caller.addFunction(fact);
    expect(caller.call(3)).toBe(12);
  });

  it("checks the number and types of inputs against the signature", () => {
    const f = new ScriptFunction("f", parseGraph("graph(%x : Tensor, %n : int):\n  return (%x)\n"));
    expect(() => f.call(tensor([1]))).toThrow(/ScriptFunction: f\(x: Tensor, n: int\) -> Tensor expects 2 arguments, got 1/);
    expect(() => f.call([1], 2)).toThrow(/argument 1 'x' must be Tensor, got \[1\]/);
    expect(() => f.call(tensor([1]), 1.5)).toThrow(/argument 2 'n' must be int, got 1.5/);
  });
});

describe("executor: property", () => {
  type Step = { op: "relu" | "neg" | "tanh" | "sigmoid" | "abs" | "add" | "sub" | "mul" | "maximum"; a: number; b: number };
  const unary = new Set(["relu", "neg", "tanh", "sigmoid", "abs"]);
  const kinds: Record<Step["op"], string> = {
    relu: "aten::relu",
    neg: "aten::neg",
    tanh: "aten::tanh",
    sigmoid: "aten::sigmoid",
    abs: "aten::abs",
    add: "aten::add.Tensor",
    sub: "aten::sub.Tensor",
    mul: "aten::mul.Tensor",
    maximum: "aten::maximum.Tensor",
  };
  const step = fc.record({
    op: fc.constantFrom<Step["op"]>("relu", "neg", "tanh", "sigmoid", "abs", "add", "sub", "mul", "maximum"),
    a: fc.nat(),
    b: fc.nat(),
  });
  const values = fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 6, maxLength: 6 });

  it("random straight-line elementwise graphs give the same results as the eager ops", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), values, values, (steps, xs, ys) => {
        const lines: string[] = ["  %one : int = prim::Constant[value=1]()"];
        const names = ["x", "y"];
        const eager: Tensor[] = [tensor(xs).reshape([2, 3]), tensor(ys).reshape([2, 3])];
        steps.forEach((s, i) => {
          const a = s.a % names.length;
          const b = s.b % names.length;
          const out = `v${i}`;
          if (unary.has(s.op)) {
            lines.push(`  %${out} : Tensor = ${kinds[s.op]}(%${names[a]})`);
            eager.push(callOp(s.op, [eager[a]]) as Tensor);
          } else {
            const alpha = s.op === "add" || s.op === "sub" ? ", %one" : "";
            lines.push(`  %${out} : Tensor = ${kinds[s.op]}(%${names[a]}, %${names[b]}${alpha})`);
            eager.push(callOp(s.op, [eager[a], eager[b]]) as Tensor);
          }
          names.push(out);
        });
        const text = `graph(%x : Tensor,\n      %y : Tensor):\n${lines.join("\n")}\n  return (%${names.at(-1)}, %${names[Math.floor(names.length / 2)]})\n`;
        const outputs = runPlan(compileGraph(parseGraph(text)), undefined, [eager[0], eager[1]]) as Tensor[];
        expect(outputs[0]!.tolist()).toEqual(eager.at(-1)!.tolist());
        expect(outputs[1]!.tolist()).toEqual(eager[Math.floor(names.length / 2)]!.tolist());
      }),
      { numRuns: 200 },
    );
  });
});
