/** The bench's printed tables. */
import type { AnchorRatio } from "./anchors.js";
import type { ModelTiming } from "./models.js";
import type { Peak } from "./peak.js";
import type { SgemmTiming } from "./sgemm.js";

const us = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pad = (cells: string[], widths: number[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");

function threadsOf(backend: string): number {
  return Number(/(\d+)T$/.exec(backend)?.[1] ?? 1);
}

export function printSgemm(rows: SgemmTiming[], peak: Peak | null): void {
  const widths = [16, 10, 11, 9, 8, 7];
  console.log(pad(["sgemm M x K x N", "backend", "median µs", "GFLOP/s", "of peak", "vs js"], widths));
  for (const r of rows) {
    const js = rows.find((o) => o.shape === r.shape && o.backend === "js");
    const peakGflops = r.backend === "js" ? undefined : peak?.gflops[threadsOf(r.backend)];
    const ofPeak = peakGflops && r.gflops ? `${((100 * r.gflops) / peakGflops).toFixed(1)}%` : "";
    const vsJs = js && js !== r ? `${(js.medianUs / r.medianUs).toFixed(1)}x` : "";
    console.log(pad([r.shape, r.backend, us(r.medianUs), r.gflops?.toFixed(1) ?? "", ofPeak, vsJs], widths));
  }
}

export function printPeak(rows: SgemmTiming[], peak: Peak): void {
  const viaMm = (threads: number) => rows.find((r) => r.shape === "1024x1024x1024" && r.backend === `native ${threads}T`)?.gflops;
  const percent = (gflops: number | undefined, threads: number) => (gflops ? `${((100 * gflops) / peak.gflops[threads]!).toFixed(1)}%` : "?");
  const threads = Object.keys(peak.gflops).map(Number);
  console.log(`\npeak FP32 FMA (${peak.isa}), measured in this run; sgemm 1024^3 as the kernel alone and through mm (which also allocates the result):`);
  for (const t of threads) {
    const kernel = peak.sgemmKernel1024[t];
    console.log(`  ${t}T: peak ${peak.gflops[t]!.toFixed(1)} GFLOP/s; kernel ${kernel?.toFixed(1)} GFLOP/s = ${percent(kernel, t)}; mm ${viaMm(t)?.toFixed(1)} GFLOP/s = ${percent(viaMm(t), t)}`);
  }
  const most = Math.max(...threads);
  if (threads.length > 1) {
    console.log(`  ${most}T / 1T: kernel ${(peak.sgemmKernel1024[most]! / peak.sgemmKernel1024[1]!).toFixed(2)}x, mm ${((viaMm(most) ?? 0) / (viaMm(1) ?? 1)).toFixed(2)}x`);
  }
}

export function printModels(rows: ModelTiming[]): void {
  const backends = [...new Set(rows.map((r) => r.backend))];
  const widths = [30, ...backends.map(() => 18), 4];
  console.log("\n" + pad(["model case mode", ...backends.map((b) => `${b} µs`), "ok"], widths));
  const cases = [...new Set(rows.map((r) => `${r.model} ${r.case} ${r.mode}`))];
  for (const c of cases) {
    const mine = rows.filter((r) => `${r.model} ${r.case} ${r.mode}` === c);
    const js = rows.find((r) => r.model === mine[0]!.model && r.case === mine[0]!.case && r.mode === "eager" && r.backend === "js");
    const cells = backends.map((b) => {
      const r = mine.find((m) => m.backend === b);
      if (!r) return "";
      return js && r !== js ? `${us(r.medianUs)} (${(js.medianUs / r.medianUs).toFixed(1)}x)` : us(r.medianUs);
    });
    console.log(pad([c, ...cells, mine.every((r) => r.ok) ? "ok" : "FAIL"], widths));
  }
}

export function printAnchors(ratios: AnchorRatio[]): void {
  const runtimes = [...new Set(ratios.map((r) => r.runtime))];
  const widths = [30, 4, 10, ...runtimes.map(() => 22)];
  console.log("\nagainst the anchors (their µs, and their time / tsjit native's: above 1x tsjit is faster)");
  console.log(pad(["model case", "thr", "tsjit µs", ...runtimes], widths));
  const keys = [...new Set(ratios.map((r) => `${r.model} ${r.case}|${r.threads}`))];
  for (const key of keys) {
    const mine = ratios.filter((r) => `${r.model} ${r.case}|${r.threads}` === key);
    const [name, threads] = key.split("|") as [string, string];
    const cells = runtimes.map((rt) => {
      const r = mine.find((m) => m.runtime === rt);
      return r ? `${us(r.theirUs)} (${r.speedup.toFixed(2)}x)` : "";
    });
    console.log(pad([name, threads, us(mine[0]!.tsjitUs), ...cells], widths));
  }
}
