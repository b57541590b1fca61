import { describe, expect, it } from "vitest";
import { randn, type Tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../../../runtime/jit/executor.js";
import { rowMajorWeights } from "../../../runtime/jit/passes/rowMajorWeights.js";
import { ir, runPass } from "./helpers.js";

/** wt: a [3, 2] transposed view (column-major); w: the row-major [3, 2]; v: a transposed [1, 3]. */
const base = randn([2, 3]);
const constants = new Map<string, Tensor>([
  ["wt", base.t()],
  ["w", randn([3, 2])],
  ["v", randn([3, 1]).t()],
]);
const rowMajor = (text: string) => runPass(rowMajorWeights, text, constants);

describe("rowMajorWeights", () => {
  it("gives each product's transposed constant weight a row-major copy, made once per constant", () => {
    const text = `graph(%x : Tensor, %a : Tensor):
  %wt : Tensor = prim::Constant[value=tensor:wt]()
  %y : Tensor = aten::matmul(%x, %wt)
  %z : Tensor = tsjit::matmul_add(%y, %wt, %a)
  return (%z)
`;
    expect(rowMajor(text)).toBe(
      ir(`graph(%x : Tensor, %a : Tensor):
  %wt : Tensor = prim::Constant[value=tensor:wt]()
  %wt.1 : Tensor = prim::Constant[value=tensor:wt.rows]()
  %y : Tensor = aten::matmul(%x, %wt.1)
  %wt.2 : Tensor = prim::Constant[value=tensor:wt.rows]()
  %z : Tensor = tsjit::matmul_add(%y, %wt.2, %a)
  return (%z)
`),
    );
    const result = rowMajorWeights(parseGraph(text, constants));
    const rows = result.constants.get("wt.rows")!;
    expect([...rows.strides]).toEqual([2, 1]);
    expect(rows.tolist()).toEqual(base.t().tolist());
    expect(result.constants.get("wt")).toBe(constants.get("wt"));
  });

  it.each([
    ["a row-major weight", "aten::matmul(%x, %w)"],
    ["a one-row weight (its layout is both)", "aten::matmul(%x, %v)"],
    ["a weight on the left", "aten::matmul(%wt, %x)"],
    ["an op that is not a product", "aten::add.Tensor(%x, %wt, %one)"],
  ])("leaves alone %s", (_label, call) => {
    const text = `graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %wt : Tensor = prim::Constant[value=tensor:wt]()
  %v : Tensor = prim::Constant[value=tensor:v]()
  %y : Tensor = ${call}
  return (%y)
`;
    expect(rowMajor(text)).toBe(ir(text));
  });

  it("gives the product it gave", () => {
    const text = `graph(%x : Tensor):
  %wt : Tensor = prim::Constant[value=tensor:wt]()
  %y : Tensor = aten::matmul(%x, %wt)
  return (%y)
`;
    const x = randn([4, 3]);
    const want = runPlan(compileGraph(parseGraph(text, constants)), undefined, [x])[0] as Tensor;
    const got = runPlan(compileGraph(rowMajorWeights(parseGraph(text, constants))), undefined, [x])[0] as Tensor;
    const [g, w] = [got.toTypedArray(), want.toTypedArray()];
    w.forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v))));
  });
});
