import { describe, expect, it } from "vitest";
import { fuseActivationEpilogues } from "../../../runtime/jit/passes/fuseActivationEpilogues.js";
import { ir, runPass } from "./helpers.js";

const fuse = (text: string) => runPass(fuseActivationEpilogues, text);

describe("fuseActivationEpilogues fuses", () => {
  it.each([
    ["aten::relu(%h)", "relu"],
    ["aten::tanh(%h)", "tanh"],
    ["aten::sigmoid(%h)", "sigmoid"],
    ["aten::silu(%h)", "silu"],
  ])("linear then %s", (activation, name) => {
    expect(
      fuse(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = ${activation}
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %activation : str = prim::Constant[value="${name}"]()
  %y : Tensor = tsjit::linear_act(%x, %w, %b, %activation)
  return (%y)
`),
    );
  });

  it.each([
    ["none", "gelu"],
    ["tanh", "gelu_tanh"],
  ])("linear then gelu with approximate=%s, and a linear without bias", (approximate, name) => {
    expect(
      fuse(`graph(%x : Tensor, %w : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %h : Tensor = aten::linear(%x, %w, %none)
  %approximate : str = prim::Constant[value="${approximate}"]()
  %y : Tensor = aten::gelu(%h, %approximate)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %w : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %approximate : str = prim::Constant[value="${approximate}"]()
  %activation : str = prim::Constant[value="${name}"]()
  %y : Tensor = tsjit::linear_act(%x, %w, %none, %activation)
  return (%y)
`),
    );
  });

  it("addmm with beta and alpha 1 then relu into addmm_act; inside blocks too", () => {
    expect(
      fuse(`graph(%c : bool, %b : Tensor, %x : Tensor, %wt : Tensor):
  %one : int = prim::Constant[value=1]()
  %y : Tensor = prim::If(%c)
    block0():
      %h : Tensor = aten::addmm(%b, %x, %wt, %one, %one)
      %r : Tensor = aten::relu(%h)
      -> (%r)
    block1():
      -> (%x)
  return (%y)
`),
    ).toBe(
      ir(`graph(%c : bool, %b : Tensor, %x : Tensor, %wt : Tensor):
  %one : int = prim::Constant[value=1]()
  %y : Tensor = prim::If(%c)
    block0():
      %activation : str = prim::Constant[value="relu"]()
      %r : Tensor = tsjit::addmm_act(%b, %x, %wt, %activation)
      -> (%r)
    block1():
      -> (%x)
  return (%y)
`),
    );
  });
});

describe("fuseActivationEpilogues fuses conv2d", () => {
  it("with list padding, then relu or gelu", () => {
    expect(
      fuse(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %one : int[] = prim::Constant[value=[1, 1]]()
  %zero : int[] = prim::Constant[value=[0, 0]]()
  %groups : int = prim::Constant[value=1]()
  %h : Tensor = aten::conv2d(%x, %w, %b, %one, %zero, %one, %groups)
  %y : Tensor = aten::relu(%h)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %one : int[] = prim::Constant[value=[1, 1]]()
  %zero : int[] = prim::Constant[value=[0, 0]]()
  %groups : int = prim::Constant[value=1]()
  %activation : str = prim::Constant[value="relu"]()
  %y : Tensor = tsjit::conv2d_act(%x, %w, %b, %one, %zero, %one, %groups, %activation)
  return (%y)
`),
    );
  });

  it("but not the padding overload (\"same\"), nor a conv2d whose result is used twice", () => {
    const text = `graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %one : int[] = prim::Constant[value=[1, 1]]()
  %same : str = prim::Constant[value="same"]()
  %groups : int = prim::Constant[value=1]()
  %h : Tensor = aten::conv2d.padding(%x, %w, %b, %one, %same, %one, %groups)
  %y : Tensor = aten::relu(%h)
  %k : Tensor = aten::conv2d(%x, %w, %b, %one, %one, %one, %groups)
  %z : Tensor = aten::sigmoid(%k)
  return (%y, %z, %k)
`;
    expect(fuse(text)).toBe(ir(text));
  });
});

describe("fuseActivationEpilogues leaves alone", () => {
  const unchanged = (text: string) => expect(fuse(text)).toBe(ir(text));

  it("a linear whose result is also used elsewhere, or returned", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = aten::relu(%h)
  %z : Tensor = aten::neg(%h)
  return (%y, %z)
`);
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = aten::relu(%h)
  return (%y, %h)
`);
  });

  it("a dropout (training or not) between the linear and the activation", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor, %train : bool):
  %p : float = prim::Constant[value=0.5]()
  %h : Tensor = aten::linear(%x, %w, %b)
  %d : Tensor = aten::dropout(%h, %p, %train)
  %y : Tensor = aten::relu(%d)
  return (%y)
`);
  });

  it("addmm with a beta or alpha other than the constant 1, and gelu with an approximate not known", () => {
    unchanged(`graph(%b : Tensor, %x : Tensor, %wt : Tensor, %alpha : int):
  %one : int = prim::Constant[value=1]()
  %h : Tensor = aten::addmm(%b, %x, %wt, %one, %alpha)
  %y : Tensor = aten::relu(%h)
  return (%y)
`);
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor, %approximate : str):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = aten::gelu(%h, %approximate)
  return (%y)
`);
  });

  it("activations of other products (matmul) and activations with parameters", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::matmul(%x, %w)
  %y : Tensor = aten::relu(%h)
  %k : Tensor = aten::linear(%x, %w, %b)
  %s : float = prim::Constant[value=0.1]()
  %z : Tensor = aten::leaky_relu(%k, %s)
  return (%y, %z)
`);
  });
});
