import { describe, expect, it } from "vitest";
import { tensor, type Tensor } from "../../../runtime/index.js";
import { graphFromJSON, graphToJSON } from "../../../runtime/ir/json.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { printGraph } from "../../../runtime/ir/printer.js";
import { verifyGraph } from "../../../runtime/ir/verifier.js";
import { compileGraph, runPlan } from "../../../runtime/jit/executor.js";
import { fuseElementwiseChains } from "../../../runtime/jit/passes/fuseElementwiseChains.js";
import { ir, runPass } from "./helpers.js";

const fuse = (text: string) => runPass(fuseElementwiseChains, text);
const unchanged = (text: string) => expect(fuse(text)).toBe(ir(text));

describe("fuseElementwiseChains fuses", () => {
  it("gelu(x * a + b) * c into one node, inputs in order of first use", () => {
    expect(
      fuse(`graph(%x : Tensor, %a : Tensor, %b : Tensor, %c : Tensor):
  %one : int = prim::Constant[value=1]()
  %none : str = prim::Constant[value="none"]()
  %h : Tensor = aten::mul.Tensor(%x, %a)
  %k : Tensor = aten::add.Tensor(%h, %b, %one)
  %g : Tensor = aten::gelu(%k, %none)
  %y : Tensor = aten::mul.Tensor(%g, %c)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %a : Tensor, %b : Tensor, %c : Tensor):
  %one : int = prim::Constant[value=1]()
  %none : str = prim::Constant[value="none"]()
  %inputs : Tensor[] = prim::ListConstruct(%x, %a, %b, %c)
  %program : str = prim::Constant[value="t0 = mul(x0, x1); t1 = add(t0, x2); t2 = gelu(t1); t3 = mul(t2, x3)"]()
  %y : Tensor = tsjit::fused_pointwise(%inputs, %program)
  return (%y)
`),
    );
  });

  it("constant numbers, parameters, a value read twice (x * sigmoid(x)), in an If branch", () => {
    expect(
      fuse(`graph(%c : bool, %x : Tensor):
  %one : int = prim::Constant[value=1]()
  %half : float = prim::Constant[value=0.5]()
  %slope : float = prim::Constant[value=0.2]()
  %none : NoneType = prim::Constant[value=None]()
  %six : int = prim::Constant[value=6]()
  %y : Tensor = prim::If(%c)
    block0():
      %s : Tensor = aten::sigmoid(%x)
      %m : Tensor = aten::mul.Tensor(%x, %s)
      %d : Tensor = aten::sub.Scalar(%m, %half, %one)
      %l : Tensor = aten::leaky_relu(%d, %slope)
      %r : Tensor = aten::clamp(%l, %none, %six)
      -> (%r)
    block1():
      -> (%x)
  return (%y)
`),
    ).toBe(
      ir(`graph(%c : bool, %x : Tensor):
  %one : int = prim::Constant[value=1]()
  %half : float = prim::Constant[value=0.5]()
  %slope : float = prim::Constant[value=0.2]()
  %none : NoneType = prim::Constant[value=None]()
  %six : int = prim::Constant[value=6]()
  %y : Tensor = prim::If(%c)
    block0():
      %inputs : Tensor[] = prim::ListConstruct(%x)
      %program : str = prim::Constant[value="t0 = sigmoid(x0); t1 = mul(x0, t0); t2 = sub(t1, 0.5); t3 = leaky_relu(t2, 0.2); t4 = clamp(t3, -inf, 6)"]()
      %r : Tensor = tsjit::fused_pointwise(%inputs, %program)
      -> (%r)
    block1():
      -> (%x)
  return (%y)
`),
    );
  });

  it("the part of a chain after an intermediate used elsewhere, as its own group", () => {
    expect(
      fuse(`graph(%x : Tensor):
  %a : Tensor = aten::exp(%x)
  %b : Tensor = aten::neg(%a)
  %c : Tensor = aten::relu(%b)
  %d : Tensor = aten::tanh(%c)
  return (%d, %b)
`),
    ).toBe(
      ir(`graph(%x : Tensor):
  %inputs : Tensor[] = prim::ListConstruct(%x)
  %program : str = prim::Constant[value="t0 = exp(x0); t1 = neg(t0)"]()
  %b : Tensor = tsjit::fused_pointwise(%inputs, %program)
  %inputs.1 : Tensor[] = prim::ListConstruct(%b)
  %program.1 : str = prim::Constant[value="t0 = relu(x0); t1 = tanh(t0)"]()
  %d : Tensor = tsjit::fused_pointwise(%inputs.1, %program.1)
  return (%d, %b)
`),
    );
  });
});

describe("fuseElementwiseChains leaves alone", () => {
  it("a single pointwise op, and ops that are not pointwise (linear, softmax) between two", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor):
  %dim : int = prim::Constant[value=-1]()
  %none : NoneType = prim::Constant[value=None]()
  %a : Tensor = aten::relu(%x)
  %h : Tensor = aten::linear(%a, %w, %none)
  %s : Tensor = aten::softmax.int(%h, %dim, %none)
  %e : Tensor = aten::exp(%s)
  return (%e)
`);
  });

  it("an intermediate used outside the chain (by another node, or returned)", () => {
    unchanged(`graph(%x : Tensor):
  %a : Tensor = aten::exp(%x)
  %b : Tensor = aten::neg(%a)
  return (%b, %a)
`);
    unchanged(`graph(%x : Tensor, %w : Tensor):
  %a : Tensor = aten::exp(%x)
  %b : Tensor = aten::neg(%a)
  %h : Tensor = aten::matmul(%a, %w)
  return (%b, %h)
`);
  });

  it("chains across blocks: the producer outside an If, the consumer inside", () => {
    unchanged(`graph(%c : bool, %x : Tensor):
  %a : Tensor = aten::exp(%x)
  %y : Tensor = prim::If(%c)
    block0():
      %b : Tensor = aten::neg(%a)
      -> (%b)
    block1():
      -> (%x)
  return (%y)
`);
  });

  it("alpha other than the constant 1, a rounding div, a non-constant number, a bool number, gelu with an unknown approximate", () => {
    unchanged(`graph(%x : Tensor, %y : Tensor, %n : float, %approximate : str):
  %two : int = prim::Constant[value=2]()
  %one : int = prim::Constant[value=1]()
  %floor : str = prim::Constant[value="floor"]()
  %true : bool = prim::Constant[value=true]()
  %a : Tensor = aten::add.Tensor(%x, %y, %two)
  %b : Tensor = aten::div.Tensor(%a, %y, %floor)
  %c : Tensor = aten::mul.Scalar(%b, %n)
  %d : Tensor = aten::add.Scalar(%c, %true, %one)
  %e : Tensor = aten::gelu(%d, %approximate)
  return (%e)
`);
  });

  it("an intermediate the graph appends to a list (a write): the rest of the chain fuses without it", () => {
    expect(
      fuse(`graph(%x : Tensor):
  %xs : Tensor[] = prim::ListConstruct(%x)
  %a : Tensor = aten::exp(%x)
  %xs2 : Tensor[] = aten::append.t(%xs, %a)
  %b : Tensor = aten::neg(%a)
  %c : Tensor = aten::relu(%b)
  return (%xs2, %c)
`),
    ).toBe(
      ir(`graph(%x : Tensor):
  %xs : Tensor[] = prim::ListConstruct(%x)
  %a : Tensor = aten::exp(%x)
  %xs2 : Tensor[] = aten::append.t(%xs, %a)
  %inputs : Tensor[] = prim::ListConstruct(%a)
  %program : str = prim::Constant[value="t0 = neg(x0); t1 = relu(t0)"]()
  %c : Tensor = tsjit::fused_pointwise(%inputs, %program)
  return (%xs2, %c)
`),
    );
  });
});

describe("fused graphs", () => {
  it("verify, print, parse and go through JSON like any graph; the verifier checks the node against the schema", () => {
    const text = fuse(`graph(%x : Tensor):
  %a : Tensor = aten::exp(%x)
  %b : Tensor = aten::neg(%a)
  return (%b)
`);
    const graph = parseGraph(text);
    verifyGraph(graph);
    expect(printGraph(graph)).toBe(text);
    expect(printGraph(graphFromJSON(JSON.parse(JSON.stringify(graphToJSON(graph)))))).toBe(text);
    expect(() => verifyGraph(parseGraph(text.replace("tsjit::fused_pointwise(%inputs, %program)", "tsjit::fused_pointwise(%x, %program)")))).toThrow(/fused_pointwise/);
  });
});

describe("fused graphs compute what the graph did", () => {
  // The IR carries no dtypes: a chain on int tensors fuses too, and its node runs the ops one by one.
  const text = `graph(%x : Tensor, %y : Tensor):
  %one : int = prim::Constant[value=1]()
  %three : int = prim::Constant[value=3]()
  %a : Tensor = aten::mul.Scalar(%x, %three)
  %b : Tensor = aten::sub.Tensor(%a, %y, %one)
  %c : Tensor = aten::neg(%b)
  %d : Tensor = aten::relu(%c)
  return (%d)
`;
  const run = (source: string, inputs: Tensor[]) => runPlan(compileGraph(parseGraph(source)), undefined, inputs)[0] as Tensor;

  it.each([
    ["int32", "int32"],
    ["int64", "float32"],
    ["float32", "float32"],
  ] as const)("on %s and %s inputs (dtype and values)", (xType, yType) => {
    const fused = fuse(text);
    expect(fused).toContain("tsjit::fused_pointwise");
    const inputs = [tensor([[1, -2, 3]]).to(xType), tensor([[4], [-5]]).to(yType)];
    const want = run(text, inputs);
    const got = run(fused, inputs);
    expect(got.dtype).toBe(want.dtype);
    expect(got.shape).toEqual([2, 3]);
    expect(got.tolist()).toEqual(want.tolist());
  });
});
