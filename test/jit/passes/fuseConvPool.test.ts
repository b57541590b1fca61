import { describe, expect, it } from "vitest";
import { fuseConvPool } from "../../../runtime/jit/passes/fuseConvPool.js";
import { ir, runPass } from "./helpers.js";

const fuse = (text: string) => runPass(fuseConvPool, text);

/** The constants of a conv2d and of a 2x2 max_pool2d; `stride` is the pooling's. */
const constants = (stride: string) => `  %one : int[] = prim::Constant[value=[1, 1]]()
  %zero : int[] = prim::Constant[value=[0, 0]]()
  %groups : int = prim::Constant[value=1]()
  %two : int[] = prim::Constant[value=[2, 2]]()
  %stride : ${stride}
  %false : bool = prim::Constant[value=false]()
  %activation : str = prim::Constant[value="relu"]()`;

describe("fuseConvPool fuses", () => {
  it.each([
    ["None", "NoneType = prim::Constant[value=None]()"],
    ["[]", "int[] = prim::Constant[value=[]]()"],
    ["[2, 2]", "int[] = prim::Constant[value=[2, 2]]()"],
    ["2", "int = prim::Constant[value=2]()"],
  ])("conv2d_act then max_pool2d 2x2 with stride %s", (_label, stride) => {
    expect(
      fuse(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
${constants(stride)}
  %h : Tensor = tsjit::conv2d_act(%x, %w, %b, %one, %zero, %one, %groups, %activation)
  %y : Tensor = aten::max_pool2d(%h, %two, %stride, %zero, %one, %false)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
${constants(stride)}
  %y : Tensor = tsjit::conv2d_act_max_pool2x2(%x, %w, %b, %one, %zero, %one, %groups, %activation)
  return (%y)
`),
    );
  });

  it("conv2d then gelu then the pooling (fuseActivationEpilogues not run), inside a block", () => {
    expect(
      fuse(`graph(%c : bool, %x : Tensor, %w : Tensor):
${constants("NoneType = prim::Constant[value=None]()")}
  %none : NoneType = prim::Constant[value=None]()
  %approximate : str = prim::Constant[value="tanh"]()
  %y : Tensor = prim::If(%c)
    block0():
      %h : Tensor = aten::conv2d(%x, %w, %none, %one, %zero, %one, %groups)
      %a : Tensor = aten::gelu(%h, %approximate)
      %p : Tensor = aten::max_pool2d(%a, %two, %stride, %zero, %one, %false)
      -> (%p)
    block1():
      -> (%x)
  return (%y)
`),
    ).toBe(
      ir(`graph(%c : bool, %x : Tensor, %w : Tensor):
${constants("NoneType = prim::Constant[value=None]()")}
  %none : NoneType = prim::Constant[value=None]()
  %approximate : str = prim::Constant[value="tanh"]()
  %y : Tensor = prim::If(%c)
    block0():
      %activation.1 : str = prim::Constant[value="gelu_tanh"]()
      %p : Tensor = tsjit::conv2d_act_max_pool2x2(%x, %w, %none, %one, %zero, %one, %groups, %activation.1)
      -> (%p)
    block1():
      -> (%x)
  return (%y)
`),
    );
  });
});

describe("fuseConvPool leaves alone", () => {
  const unchanged = (text: string) => expect(fuse(text)).toBe(ir(text));
  const pooled = (pool: string, extra = "") => `graph(%x : Tensor, %w : Tensor, %b : Tensor, %flag : bool):
${constants("NoneType = prim::Constant[value=None]()")}
  %three : int[] = prim::Constant[value=[3, 3]]()
  %true : bool = prim::Constant[value=true]()
  %h : Tensor = tsjit::conv2d_act(%x, %w, %b, %one, %zero, %one, %groups, %activation)
  %y : Tensor = ${pool}
  return (%y${extra})
`;

  it.each([
    ["a 3x3 window", "aten::max_pool2d(%h, %three, %stride, %zero, %one, %false)"],
    ["a 2x2 window of stride 1", "aten::max_pool2d(%h, %two, %one, %zero, %one, %false)"],
    ["padding 1", "aten::max_pool2d(%h, %two, %stride, %one, %one, %false)"],
    ["dilation 2", "aten::max_pool2d(%h, %two, %stride, %zero, %two, %false)"],
    ["ceil_mode", "aten::max_pool2d(%h, %two, %stride, %zero, %one, %true)"],
    ["an average pooling", "aten::avg_pool2d(%h, %two, %stride, %zero, %false, %true, %stride)"],
    ["a non-constant ceil_mode", "aten::max_pool2d(%h, %two, %stride, %zero, %one, %flag)"],
  ])("%s", (_label, pool) => unchanged(pooled(pool)));

  it("a convolution whose result is also returned", () => {
    unchanged(pooled("aten::max_pool2d(%h, %two, %stride, %zero, %one, %false)", ", %h"));
  });

  it("conv2d then an activation used twice, a conv2d pooled without activation, the padding overload", () => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
${constants("NoneType = prim::Constant[value=None]()")}
  %same : str = prim::Constant[value="same"]()
  %h : Tensor = aten::conv2d(%x, %w, %b, %one, %zero, %one, %groups)
  %a : Tensor = aten::relu(%h)
  %y : Tensor = aten::max_pool2d(%a, %two, %stride, %zero, %one, %false)
  %k : Tensor = aten::conv2d(%x, %w, %b, %one, %zero, %one, %groups)
  %z : Tensor = aten::max_pool2d(%k, %two, %stride, %zero, %one, %false)
  %s : Tensor = aten::conv2d.padding(%x, %w, %b, %one, %same, %one, %groups)
  %r : Tensor = aten::relu(%s)
  %v : Tensor = aten::max_pool2d(%r, %two, %stride, %zero, %one, %false)
  return (%y, %z, %a, %v)
`);
  });
});
