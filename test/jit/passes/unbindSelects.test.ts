import { describe, expect, it } from "vitest";
import { randn, type Tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../../../runtime/jit/executor.js";
import { unbindSelects } from "../../../runtime/jit/passes/unbindSelects.js";
import { ir, runPass } from "./helpers.js";

const unbind = (text: string) => runPass(unbindSelects, text);
const unchanged = (text: string) => expect(unbind(text)).toBe(ir(text));

const THREE_ROWS = `graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %b : Tensor = aten::select.int(%x, %zero, %one)
  %a : Tensor = aten::select.int(%x, %zero, %zero)
  %s : Tensor = aten::add.Tensor(%a, %b, %one)
  %c : Tensor = aten::select.int(%x, %zero, %two)
  %y : Tensor = aten::mul.Tensor(%s, %c)
  return (%y)
`;

describe("unbindSelects", () => {
  it("makes the selects of rows 0..n-1 of one tensor one unbind of its first n rows, where the first of them was", () => {
    expect(unbind(THREE_ROWS)).toBe(
      ir(`graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %0 : int = prim::Constant[value=3]()
  %rows : Tensor = aten::narrow(%x, %zero, %zero, %0)
  %parts : Tensor[] = aten::unbind.int(%rows, %zero)
  %a : Tensor, %b : Tensor, %c : Tensor = prim::ListUnpack(%parts)
  %s : Tensor = aten::add.Tensor(%a, %b, %one)
  %y : Tensor = aten::mul.Tensor(%s, %c)
  return (%y)
`),
    );
  });

  it("gives what the selects gave for any number of rows, and fails on too few as select does", () => {
    const before = compileGraph(parseGraph(THREE_ROWS));
    const after = compileGraph(unbindSelects(parseGraph(THREE_ROWS)));
    for (const rows of [3, 5]) {
      const x = randn([rows, 2, 3]);
      expect((runPlan(after, undefined, [x])[0] as Tensor).tolist()).toEqual((runPlan(before, undefined, [x])[0] as Tensor).tolist());
    }
    expect(() => runPlan(before, undefined, [randn([2, 3])])).toThrow(/select/);
    expect(() => runPlan(after, undefined, [randn([2, 3])])).toThrow(/narrow/);
  });

  it.each([
    ["a gap in the rows", "%a : Tensor = aten::select.int(%x, %zero, %zero)\n  %b : Tensor = aten::select.int(%x, %zero, %two)"],
    ["a row taken twice", "%a : Tensor = aten::select.int(%x, %zero, %zero)\n  %b : Tensor = aten::select.int(%x, %zero, %zero)"],
    ["one row", "%a : Tensor = aten::select.int(%x, %zero, %zero)\n  %b : Tensor = aten::relu(%a)"],
    ["rows along dim 1", "%a : Tensor = aten::select.int(%x, %one, %zero)\n  %b : Tensor = aten::select.int(%x, %one, %one)"],
    ["an index counted from the end", "%a : Tensor = aten::select.int(%x, %zero, %zero)\n  %b : Tensor = aten::select.int(%x, %zero, %minus)"],
    ["an index not constant", "%a : Tensor = aten::select.int(%x, %zero, %zero)\n  %b : Tensor = aten::select.int(%x, %zero, %i)"],
  ])("leaves alone %s", (_label, body) => {
    unchanged(`graph(%x : Tensor, %i : int):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %minus : int = prim::Constant[value=-1]()
  ${body}
  return (%a, %b)
`);
  });

  it("leaves alone rows 0, 0 and 2 (as many selects as rows 0..2, one taken twice, one missing)", () => {
    unchanged(`graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %two : int = prim::Constant[value=2]()
  %a : Tensor = aten::select.int(%x, %zero, %zero)
  %b : Tensor = aten::select.int(%x, %zero, %zero)
  %c : Tensor = aten::select.int(%x, %zero, %two)
  return (%a, %b, %c)
`);
  });

  it("works inside a block, on its own selects only", () => {
    const text = `graph(%c : bool, %x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::select.int(%x, %zero, %zero)
  %y : Tensor = prim::If(%c)
    block0():
      %b : Tensor = aten::select.int(%x, %zero, %zero)
      %d : Tensor = aten::select.int(%x, %zero, %one)
      %e : Tensor = aten::add.Tensor(%b, %d, %one)
      -> (%e)
    block1():
      -> (%a)
  return (%y)
`;
    const got = unbind(text);
    expect(got).toContain("      %b : Tensor, %d : Tensor = prim::ListUnpack(%parts)");
    expect(got).toContain("  %a : Tensor = aten::select.int(%x, %zero, %zero)");
  });
});
