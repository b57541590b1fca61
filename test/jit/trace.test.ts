/**
 * The tracer's recording: node kinds and inputs in schema order, GetAttr chains,
 * CallMethod into submodules, constants, list and tuple values, recorded sizes,
 * the ScriptModule tree, and its errors.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { add, cat, chunk, max, mul, nn, randn, relu, tensor, zeros, type Tensor, TsjitError } from "../../runtime/index.js";
import { opDepth } from "../../runtime/ops/dispatch.js";
import { setTensorObserver } from "../../runtime/tensor/Tensor.js";
import { setOpObserver } from "../../runtime/ops/dispatch.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { trace } from "../../runtime/jit/trace.js";
import { Simple } from "../../examples/models/simple.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The printed graph's lines without source comments. */
function lines(graph: { toString(): string }): string[] {
  return graph
    .toString()
    .split("\n")
    .map((line) => line.replace(/ # \S+:\d+:\d+$/, ""));
}

function expectClose(got: unknown, want: Tensor, tolerance = 0): void {
  const g = got as Tensor;
  expect([...g.shape]).toEqual([...want.shape]);
  const a = g.toTypedArray();
  const b = want.toTypedArray();
  for (let i = 0; i < b.length; i++) expect(Math.abs(Number(a[i]) - Number(b[i])), `element ${i}`).toBeLessThanOrEqual(tolerance);
}

describe("trace of the Simple model", () => {
  it("prints GetAttr fc, CallMethod forward, relu, return", () => {
    const traced = trace(new Simple(), [randn([1, 10])]);
    expect(lines(traced.graph)).toEqual([
      "graph(%self : Simple,",
      "      %x : Tensor):",
      '  %fc : Linear = prim::GetAttr[name="fc"](%self)',
      '  %0 : Tensor = prim::CallMethod[name="forward"](%fc, %x)',
      "  %1 : Tensor = aten::relu(%0)",
      "  return (%1)",
      "",
    ]);
  });

  it("names the user's source line on every node", () => {
    const traced = trace(new Simple(), [randn([1, 10])]);
    const text = traced.graph.toString();
    for (const line of text.split("\n").filter((l) => l.includes(" = "))) {
      expect(line).toMatch(/ # examples\/models\/simple\.ts:9:\d+$/);
    }
  });

  it("gives fc its own forward graph with GetAttr weight and bias, and an inlined graph with linear", () => {
    const model = new Simple();
    const traced = trace(model, [randn([1, 10])]);
    const fc = traced.namedChildren().find(([name]) => name === "fc")![1] as ScriptModule;
    expect(fc.className).toBe("Linear");
    expect(lines(fc.graph)).toEqual([
      "graph(%self : Linear,",
      "      %input : Tensor):",
      '  %weight : Tensor = prim::GetAttr[name="weight"](%self)',
      '  %bias : Tensor = prim::GetAttr[name="bias"](%self)',
      "  %0 : Tensor = aten::linear(%input, %weight, %bias)",
      "  return (%0)",
      "",
    ]);
    const inlined = traced.inlinedGraph.toString();
    expect(inlined).toMatch(/aten::linear/);
    expect(inlined).not.toMatch(/CallMethod/);
    expect(fc.namedParameters().map(([name, p]) => [name, p === (name === "weight" ? model.fc.weight : model.fc.bias)])).toEqual([
      ["weight", true],
      ["bias", true],
    ]);
    expect(fc.attributes.get("inFeatures")).toBe(10);
  });

  it("runs like eager on other inputs, and sees later changes to the shared parameters", () => {
    const model = new Simple();
    const traced = trace(model, [randn([1, 10])]);
    const x = randn([4, 10]);
    expectClose(traced.forward(x), model.forward(x));
    model.fc.bias!.storage.fill(100);
    expectClose(traced.forward(x), model.forward(x));
  });

  it("leaves the module as it was (no forward wrappers, observers removed)", () => {
    const model = new Simple();
    trace(model, [randn([1, 10])]);
    expect(Object.getOwnPropertyDescriptor(model.fc, "forward")).toBeUndefined();
    expect(setOpObserver(undefined)).toBeUndefined();
    expect(setTensorObserver(undefined)).toBeUndefined();
  });
});

describe("submodule calls", () => {
  class Twice extends nn.Module {
    fc = new nn.Linear(4, 4);
    inner = new (class Inner extends nn.Module {
      lin = new nn.Linear(4, 4);
      override forward(x: Tensor): Tensor {
        return relu(this.lin.forward(x));
      }
    })();
    override forward(x: Tensor): Tensor {
      const h = this.fc.forward(x);
      return add(this.fc.forward(h), this.inner.forward(this.inner.lin.forward(x)));
    }
  }

  it("records a CallMethod per call, traces each submodule once, reaches nested ones by a GetAttr chain", () => {
    const model = new Twice();
    const traced = trace(model, [randn([2, 4])]);
    const text = lines(traced.graph);
    expect(text.filter((l) => l.includes('prim::CallMethod[name="forward"](%fc,'))).toHaveLength(2);
    expect(text.filter((l) => l.includes('prim::GetAttr[name="fc"](%self)'))).toHaveLength(1);
    expect(text).toContain('  %inner : Inner = prim::GetAttr[name="inner"](%self)');
    expect(text).toContain('  %lin : Linear = prim::GetAttr[name="lin"](%inner)');
    const inner = traced.namedModules().find(([name]) => name === "inner")![1] as ScriptModule;
    expect(lines(inner.graph).some((l) => l.includes('prim::CallMethod[name="forward"](%lin,'))).toBe(true);
    const x = randn([3, 4]);
    expectClose(traced.forward(x), model.forward(x), 1e-6);
  });
});

describe("op arguments", () => {
  it("makes defaults explicit, ints and floats constants of their type, dtypes ScalarType", () => {
    const f = trace((x: Tensor) => add(mul(x, 0.5), zeros([2, 3], { dtype: "float32" }), { alpha: 2 }), [randn([2, 3])]);
    expect(lines(f.graph)).toEqual([
      "graph(%x : Tensor):",
      "  %0 : float = prim::Constant[value=0.5]()",
      "  %1 : Tensor = aten::mul.Scalar(%x, %0)",
      "  %2 : int[] = prim::Constant[value=[2, 3]]()",
      '  %3 : ScalarType = prim::Constant[value="float32"]()',
      "  %4 : Tensor = aten::zeros(%2, %3)",
      "  %5 : int = prim::Constant[value=2]()",
      "  %6 : Tensor = aten::add.Tensor(%1, %4, %5)",
      "  return (%6)",
      "",
    ]);
  });

  it("records a tensor list as ListConstruct, a Tensor[] result with ListUnpack, a tuple result as one output per element", () => {
    const f = trace(
      function parts(x: Tensor, y: Tensor) {
        const [a, b] = chunk(cat([x, y], 1), 2, 1) as [Tensor, Tensor];
        const [values, indices] = max(a, 1);
        return [add(values, b.sum()), indices];
      },
      [randn([2, 2]), randn([2, 2])],
    );
    expect(f).toBeInstanceOf(ScriptFunction);
    expect(f.name).toBe("parts");
    const text = lines(f.graph);
    expect(text).toContain("  %0 : Tensor[] = prim::ListConstruct(%x, %y)");
    expect(text.some((l) => /^ {2}%\d+ : Tensor, %\d+ : Tensor = prim::ListUnpack\(%\d+\)$/.test(l))).toBe(true);
    expect(text.some((l) => /^ {2}%\d+ : Tensor, %\d+ : Tensor = aten::max\.dim\(/.test(l))).toBe(true);
    expect(text.some((l) => /^ {2}%\d+ : \(Tensor, Tensor\) = prim::TupleConstruct\(%\d+, %\d+\)$/.test(l))).toBe(true);
    const x = randn([2, 2]);
    const y = randn([2, 2]);
    const got = f.call(x, y) as Tensor[];
    expect(Array.isArray(got)).toBe(true);
    const [a, b] = chunk(cat([x, y], 1), 2, 1) as [Tensor, Tensor];
    const [values, indices] = max(a, 1);
    expectClose(got[0], add(values, b.sum()), 1e-6);
    expectClose(got[1], indices);
  });

  it("turns tensors that are neither inputs nor parameters into tensor constants (copies)", () => {
    const offset = tensor([1, 2, 3]);
    const f = trace(function shift(x: Tensor) {
      return add(x, offset);
    }, [randn([3])]);
    expect(lines(f.graph)).toContain("  %0 : Tensor = prim::Constant[value=tensor:c0]()");
    expect(f.graph.constants.get("c0")!.tolist()).toEqual([1, 2, 3]);
    offset.storage.fill(0);
    expect((f.call(zeros([3])) as Tensor).tolist()).toEqual([1, 2, 3]);
  });

  it("names a traced function without a name traced_function", () => {
    const f = trace((x: Tensor) => relu(x), randn([2]));
    expect(f.name).toBe("traced_function");
  });
});

describe("recorded sizes (see trace's TSDoc)", () => {
  it("records x.shape[i] and destructured sizes, but not dims, defaults or ambiguous values", () => {
    const f = trace(function shapes(x: Tensor) {
      const [b, c] = x.shape as [number, number];
      // b=1 is also dim 1 of the transpose, the Scalar 1 and the default alpha of add: those stay constants.
      const y = add(x.transpose(0, 1).reshape(c, b), 1);
      return y.reshape(b, c);
    }, [randn([1, 3])]);
    const text = lines(f.graph);
    expect(text.filter((l) => l.includes("aten::size.int"))).toHaveLength(4);
    expect(text.some((l) => /aten::transpose\.int\(%x, %\d+, %\d+\)/.test(l))).toBe(true);
    for (const batch of [1, 4]) {
      const x = randn([batch, 3]);
      expectClose(f.call(x), add(x.transpose(0, 1).reshape(3, batch), 1).reshape(batch, 3));
    }
  });

  it("records a size passed as a Scalar (other than 0 and 1)", () => {
    const f = trace(function scale(x: Tensor) {
      return mul(x, x.size(1));
    }, [randn([2, 3])]);
    expect(lines(f.graph)).toContain("  %1 : int = aten::size.int(%x, %0)");
    const x = randn([2, 5]);
    expectClose(f.call(x), mul(x, 5));
  });

  it("keeps a value equal to two different reads a constant", () => {
    const f = trace(function square(x: Tensor) {
      const n = x.size(0);
      x.size(1);
      return x.reshape(n * 1, -1);
    }, [randn([3, 3])]);
    expect(lines(f.graph).join("\n")).not.toMatch(/size\.int/);
  });

  it("does not record reads of parameter sizes", () => {
    class UsesWeight extends nn.Module {
      weight = new nn.Parameter(randn([5, 2]));
      override forward(x: Tensor): Tensor {
        return zeros([this.weight.size(0), x.size(1)]);
      }
    }
    const traced = trace(new UsesWeight(), [randn([1, 2])]);
    const text = lines(traced.graph).join("\n");
    expect(text.match(/aten::size\.int\(%x, /g)).toHaveLength(1);
    expect(text).not.toMatch(/size\.int\(%weight/);
  });
});

describe("errors", () => {
  it("rejects non-tensor inputs and outputs with a clear TsjitError", () => {
    vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    expect(() => trace((x: Tensor) => x, [3] as unknown[])).toThrow(/exampleInputs\[0\] must be a Tensor, got 3/);
    expect(() => trace((x: Tensor) => x.sum().item(), [randn([2])])).toThrow(TsjitError);
    expect(() => trace((x: Tensor) => x.sum().item(), [randn([2])])).toThrow(/returned a number .*must return a Tensor or an array of Tensors/);
    expect(() => trace({} as unknown as nn.Module, [randn([2])])).toThrow(TsjitError);
  });

  it("restores observers and submodule forwards when forward throws", () => {
    class Throws extends nn.Module {
      fc = new nn.Linear(2, 2);
      override forward(x: Tensor): Tensor {
        this.fc.forward(x);
        throw new Error("boom");
      }
    }
    const model = new Throws();
    expect(() => trace(model, [randn([1, 2])])).toThrow("boom");
    expect(setOpObserver(undefined)).toBeUndefined();
    expect(setTensorObserver(undefined)).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(model.fc, "forward")).toBeUndefined();
    expect(opDepth()).toBe(0);
  });
});

describe("modules with buffers and attributes", () => {
  it("mirrors buffers (GetAttr) and plain attributes", () => {
    class Scaled extends nn.Module {
      scale = 2;
      name = "scaled";
      constructor() {
        super();
        this.registerBuffer("shift", tensor([1, 1]));
      }
      override forward(x: Tensor): Tensor {
        return add(mul(x, this.scale), this.getBuffer("shift")!);
      }
    }
    const model = new Scaled();
    const traced = trace(model, [randn([2])]);
    expect(lines(traced.graph)).toContain('  %shift : Tensor = prim::GetAttr[name="shift"](%self)');
    expect(traced.getBuffer("shift")).toBe(model.getBuffer("shift"));
    expect(traced.attributes.get("scale")).toBe(2);
    expect(traced.attributes.get("name")).toBe("scaled");
    expect([...traced.stateDict().keys()]).toEqual(["shift"]);
    const x = randn([2]);
    expectClose(traced.forward(x), model.forward(x));
  });
});
