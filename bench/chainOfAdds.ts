/** The executor benches' workload: plans of chained `aten::add.Tensor`, and that op. */
import { getOverloads, type OpDef } from "../runtime/ops/registry.js";

/** IR text of a plan of n chained `aten::add.Tensor` of the input. */
export function chainOfAdds(n: number): string {
  const lines = ["graph(%x : Tensor):", "  %one : int = prim::Constant[value=1]()"];
  let previous = "x";
  for (let i = 0; i < n; i++) {
    lines.push(`  %y${i} : Tensor = aten::add.Tensor(%${previous}, %x, %one)`);
    previous = `y${i}`;
  }
  lines.push(`  return (%${previous})`);
  return lines.join("\n") + "\n";
}

/** The registry entry of `aten::add.Tensor`. */
export function addOp(): Extract<OpDef, { kind: "kernel" }> {
  const op = getOverloads("add").find((o) => o.parsed.overload === "Tensor");
  if (!op || op.kind !== "kernel") throw new Error("add.Tensor is not a kernel op");
  return op;
}
