import { describe, expect, it } from "vitest";
import { fuseLinearPairs } from "../../../runtime/jit/passes/fuseLinearPairs.js";
import { ir, runPass } from "./helpers.js";

const fuse = (text: string) => runPass(fuseLinearPairs, text);

describe("fuseLinearPairs fuses", () => {
  it("linear_act then linear, the second's activation \"none\"", () => {
    expect(
      fuse(`graph(%x : Tensor, %w1 : Tensor, %b1 : Tensor, %w2 : Tensor, %b2 : Tensor):
  %relu : str = prim::Constant[value="relu"]()
  %h : Tensor = tsjit::linear_act(%x, %w1, %b1, %relu)
  %y : Tensor = aten::linear(%h, %w2, %b2)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %w1 : Tensor, %b1 : Tensor, %w2 : Tensor, %b2 : Tensor):
  %relu : str = prim::Constant[value="relu"]()
  %activation : str = prim::Constant[value="none"]()
  %h : Tensor, %y : Tensor = tsjit::linear_act_linear(%x, %w1, %b1, %relu, %w2, %b2, %activation)
  return (%y)
`),
    );
  });

  it("the first two of three layers, two plain linears sharing one \"none\", inside a block", () => {
    expect(
      fuse(`graph(%c : bool, %x : Tensor, %w : Tensor, %b : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %gelu : str = prim::Constant[value="gelu"]()
  %y : Tensor = prim::If(%c)
    block0():
      %h : Tensor = aten::linear(%x, %w, %none)
      %k : Tensor = aten::linear(%h, %w, %b)
      %z : Tensor = tsjit::linear_act(%k, %w, %b, %gelu)
      -> (%z)
    block1():
      -> (%x)
  return (%y)
`),
    ).toBe(
      ir(`graph(%c : bool, %x : Tensor, %w : Tensor, %b : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %gelu : str = prim::Constant[value="gelu"]()
  %y : Tensor = prim::If(%c)
    block0():
      %activation : str = prim::Constant[value="none"]()
      %h : Tensor, %k : Tensor = tsjit::linear_act_linear(%x, %w, %none, %activation, %w, %b, %activation)
      %z : Tensor = tsjit::linear_act(%k, %w, %b, %gelu)
      -> (%z)
    block1():
      -> (%x)
  return (%y)
`),
    );
  });
});

describe("fuseLinearPairs leaves alone", () => {
  const unchanged = (text: string) => expect(fuse(text)).toBe(ir(text));

  it("a first layer whose result is also returned", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = aten::linear(%h, %w, %b)
  return (%y, %h)
`);
  });

  it("a layer whose input comes from another block, or from another op; a layer read as the second's weight", () => {
    unchanged(`graph(%c : bool, %x : Tensor, %w : Tensor, %b : Tensor):
  %h : Tensor = aten::linear(%x, %w, %b)
  %y : Tensor = prim::If(%c)
    block0():
      %k : Tensor = aten::linear(%h, %w, %b)
      -> (%k)
    block1():
      -> (%x)
  %r : Tensor = aten::relu(%y)
  %z : Tensor = aten::linear(%r, %w, %b)
  %v : Tensor = aten::linear(%x, %w, %b)
  %u : Tensor = aten::linear(%x, %v, %b)
  return (%z, %u)
`);
  });
});
