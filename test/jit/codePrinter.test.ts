import { describe, expect, it } from "vitest";
import { tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { printCode } from "../../runtime/jit/codePrinter.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";

function method(text: string, name = "forward"): string {
  return printCode(parseGraph(text), name, { method: true });
}

function fn(text: string, name = "f"): string {
  return printCode(parseGraph(text), name, { method: false });
}

const lines = (...ls: string[]) => ls.join("\n") + "\n";

describe(".code", () => {
  it("a traced ControlFlow-like method: GetAttr, CallMethod, ops with defaults left out", () => {
    const code = method(`graph(%self : ControlFlow,
      %x : Tensor):
  %fc1 : Linear = prim::GetAttr[name="fc1"](%self)
  %3 : Tensor = prim::CallMethod[name="forward"](%fc1, %x) # controlflow.ts:9:15
  %4 : Tensor = aten::relu(%3)
  %none : NoneType = prim::Constant[value=None]()
  %false : bool = prim::Constant[value=false]()
  %5 : Tensor = aten::mean.dim(%4, %none, %false, %none)
  %fc2 : Linear = prim::GetAttr[name="fc2"](%self)
  %6 : Tensor = prim::CallMethod[name="forward"](%fc2, %4)
  return (%6)
`);
    expect(code).toBe(
      lines(
        "forward(x: Tensor): Tensor {",
        "  const fc1 = this.fc1;",
        "  const _0 = fc1.forward(x);",
        "  const _1 = relu(_0);",
        "  const _2 = mean(_1);",
        "  const fc2 = this.fc2;",
        "  const _3 = fc2.forward(_1);",
        "  return _3;",
        "}",
      ),
    );
  });

  it("non-default arguments are kept: positional up to the last one, keyword-only ones in an options object", () => {
    const code = fn(`graph(%x : Tensor, %y : Tensor):
  %two : int = prim::Constant[value=2]()
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::add.Tensor(%x, %y, %two)
  %b : Tensor = aten::add.Tensor(%x, %y, %one)
  %dims : int[] = prim::Constant[value=[1]]()
  %true : bool = prim::Constant[value=true]()
  %none : NoneType = prim::Constant[value=None]()
  %m : Tensor = aten::mean.dim(%a, %dims, %true, %none)
  %half : float = prim::Constant[value=0.5]()
  %d : Tensor = aten::dropout(%m, %half, %true)
  %l : Tensor = aten::leaky_relu(%d, %half)
  return (%b, %l)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor, y: Tensor): [Tensor, Tensor] {",
        "  const a = add(x, y, { alpha: 2 });",
        "  const b = add(x, y);",
        "  const m = mean(a, [1], true);",
        "  const d = dropout(m);",
        "  const l = leakyRelu(d, 0.5);",
        "  return [b, l];",
        "}",
      ),
    );
  });

  it("scalar ops print as operators; size as x.size(d); lists and tuples as arrays", () => {
    const code = fn(`graph(%x : Tensor, %n : int):
  %zero : int = prim::Constant[value=0]()
  %s : int = aten::size.int(%x, %zero)
  %t : int = aten::mul.int(%s, %n)
  %q : float = aten::div.int(%t, %n)
  %f : int = aten::floordiv.int(%t, %n)
  %lt : bool = aten::lt.int(%f, %s)
  %not : bool = aten::__not__(%lt)
  %both : bool = aten::__and__.bool(%lt, %not)
  %neg : int = aten::neg.int(%n)
  %l : Tensor[] = prim::ListConstruct(%x, %x)
  %len : int = aten::len.t(%l)
  %item : Tensor = aten::__getitem__.t(%l, %neg)
  %b : bool = aten::Bool.Tensor(%item)
  %a : Tensor, %c : Tensor = prim::ListUnpack(%l)
  %tup : (int, bool, float) = prim::TupleConstruct(%len, %both, %q)
  return (%tup)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor, n: number): [number, boolean, number] {",
        "  const s = x.size(0);",
        "  const t = s * n;",
        "  const q = t / n;",
        "  const f = Math.floor(t / n);",
        "  const lt = f < s;",
        "  const not = !lt;",
        "  const both = lt && not;",
        "  const neg = -n;",
        "  const l = [x, x];",
        "  const len = l.length;",
        "  const item = l[neg];",
        "  const b = item.item() !== 0;",
        "  const [a, c] = l;",
        "  const tup = [len, both, q];",
        "  return tup;",
        "}",
      ),
    );
  });

  it("a list passed to one op only is written in the call; a shared one gets a name", () => {
    const code = fn(`graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %n : int = aten::size.int(%x, %one)
  %eight : int = prim::Constant[value=8]()
  %shape : int[] = prim::ListConstruct(%n, %eight)
  %dtype : ScalarType = prim::Constant[value="float32"]()
  %h : Tensor = aten::zeros(%shape, %dtype)
  %l : Tensor[] = prim::ListConstruct(%h, %x)
  %zero : int = prim::Constant[value=0]()
  %c : Tensor = aten::cat(%l, %zero)
  %s : Tensor = aten::stack(%l, %one)
  return (%c, %s)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor): [Tensor, Tensor] {",
        "  const n = x.size(1);",
        '  const h = zeros([n, 8], { dtype: "float32" });',
        "  const l = [h, x];",
        "  const c = cat(l);",
        "  const s = stack(l, 1);",
        "  return [c, s];",
        "}",
      ),
    );
  });

  it("If assigns its outputs to let variables in both branches", () => {
    const code = fn(`graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c) # m.ts:3:5
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      -> (%x)
  return (%y)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor, c: boolean): Tensor {",
        "  let y: Tensor;",
        "  if (c) {",
        "    const a = relu(x);",
        "    y = a;",
        "  } else {",
        "    y = x;",
        "  }",
        "  return y;",
        "}",
      ),
    );
  });

  it("a counted Loop is a for loop; carried values are let variables and the outputs are those variables", () => {
    const code = fn(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %two : int = prim::Constant[value=2]()
  %out : Tensor = prim::Loop(%n, %true, %x)
    block0(%i : int, %h : Tensor):
      %h2 : Tensor = aten::mul.Scalar(%h, %two)
      -> (%true, %h2)
  %r : Tensor = aten::tanh(%out)
  return (%r)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor, n: number): Tensor {",
        "  let h = x;",
        "  for (let i = 0; i < n; i++) {",
        "    const h2 = mul(h, 2);",
        "    h = h2;",
        "  }",
        "  const r = tanh(h);",
        "  return r;",
        "}",
      ),
    );
  });

  it("an unbounded Loop with a condition is a while loop; swaps are assigned at once", () => {
    const code = fn(`graph(%a0 : int, %b0 : int):
  %max : int = prim::Constant[value=9223372036854775807]()
  %c0 : bool = aten::lt.int(%a0, %b0)
  %a : int, %b : int = prim::Loop(%max, %c0, %a0, %b0)
    block0(%i : int, %x : int, %y : int):
      %c : bool = aten::lt.int(%y, %x)
      -> (%c, %y, %x)
  return (%a, %b)
`);
    expect(code).toBe(
      lines(
        "function f(a0: number, b0: number): [number, number] {",
        "  const c0 = a0 < b0;",
        "  let x = a0;",
        "  let y = b0;",
        "  let cond = c0;",
        "  while (cond) {",
        "    const c = y < x;",
        "    [cond, x, y] = [c, y, x];",
        "  }",
        "  return [x, y];",
        "}",
      ),
    );
  });

  it("a bounded loop with a condition and a used index tests both", () => {
    const code = fn(`graph(%n : int, %go : bool):
  %zero : int = prim::Constant[value=0]()
  %s : int = prim::Loop(%n, %go, %zero)
    block0(%i : int, %acc : int):
      %acc2 : int = aten::add.int(%acc, %i)
      %more : bool = aten::lt.int(%acc2, %n)
      -> (%more, %acc2)
  return (%s)
`);
    expect(code).toBe(
      lines(
        "function f(n: number, go: boolean): number {",
        "  let acc = 0;",
        "  let cond = go;",
        "  for (let i = 0; i < n && cond; i++) {",
        "    const acc2 = acc + i;",
        "    const more = acc2 < n;",
        "    cond = more;",
        "    acc = acc2;",
        "  }",
        "  return acc;",
        "}",
      ),
    );
  });

  it("RaiseException, Print, CallFunction, tensor constants and unnamed values", () => {
    const graph = parseGraph(
      `graph(%0 : Tensor):
  %msg : str = prim::Constant[value="bad input"]()
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %1 : Tensor = prim::CallFunction[name="helper"](%0, %k)
  prim::Print(%msg, %1)
  prim::RaiseException(%msg)
  return (%1)
`,
      new Map([["c0", tensor([1])]]),
    );
    expect(new ScriptFunction("g", graph).code).toBe(
      lines(
        "function g(_0: Tensor): Tensor {",
        '  const _1 = helper(_0, CONSTANTS.c0);',
        '  console.log("bad input", _1);',
        '  throw new Error("bad input");',
        "  return _1;",
        "}",
      ),
    );
  });

  it("names that clash or are reserved words get suffixes", () => {
    const code = fn(`graph(%x : Tensor, %x.1 : Tensor):
  %new : Tensor = aten::relu(%x)
  %x_1 : Tensor = aten::relu(%x.1)
  return (%new, %x_1)
`);
    expect(code).toBe(
      lines(
        "function f(x: Tensor, x_1: Tensor): [Tensor, Tensor] {",
        "  const new_1 = relu(x);",
        "  const x_1_1 = relu(x_1);",
        "  return [new_1, x_1_1];",
        "}",
      ),
    );
  });
});
