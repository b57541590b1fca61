/** IR text of a plan of n chained `aten::add.Tensor` of the input: the executor benches' workload. */
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
