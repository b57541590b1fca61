/**
 * Ratios against the anchors (../shared/anchors: PyTorch and onnxruntime-node timed on
 * the same models by their own scripts): `npm run bench -- --anchors out/results.json`.
 * Run the anchors right before the bench, on the same machine, so that both are one run.
 */
import { readFileSync } from "node:fs";
import type { ModelTiming } from "./models.js";
import type { SgemmTiming } from "./sgemm.js";

/** One row of the anchors' results.json `summary`: the best median over their passes. */
interface AnchorSummary {
  model: string;
  case: string;
  runtime: string;
  threads: number;
  best_median_us: number;
  ok: boolean;
}

const RUNTIMES: Record<string, string> = {
  torch_eager: "torch eager",
  torch_script: "torch script",
  torch_freeze_ofi: "torch freeze+ofi",
  ort: "onnxruntime",
};

export interface AnchorRatio {
  readonly model: string;
  readonly case: string;
  readonly threads: number;
  readonly tsjitUs: number;
  readonly runtime: string;
  readonly theirUs: number;
  /** theirUs / tsjitUs: above 1, tsjit is faster. */
  readonly speedup: number;
}

export function readAnchors(file: string): AnchorSummary[] {
  const results = JSON.parse(readFileSync(file, "utf8")) as { schema?: string; summary?: AnchorSummary[] };
  if (results.schema !== "tsjit-anchors/1" || !Array.isArray(results.summary)) {
    throw new Error(`${file}: not an anchors results.json (expected schema "tsjit-anchors/1" with a summary array)`);
  }
  return results.summary;
}

/** Every (model, case, threads) both sides timed, against each anchor runtime; sgemm 1024^3 is the anchors' gemm n1024. */
export function anchorRatios(anchors: AnchorSummary[], models: ModelTiming[], sgemm: SgemmTiming[]): AnchorRatio[] {
  const ours = [
    ...models.map((t) => ({ model: t.model, case: `${t.case} ${t.mode}`, anchorCase: t.case, backend: t.backend, us: t.medianUs })),
    ...sgemm.filter((t) => t.shape === "1024x1024x1024").map((t) => ({ model: "gemm", case: "n1024", anchorCase: "n1024", backend: t.backend, us: t.medianUs })),
  ];
  const ratios: AnchorRatio[] = [];
  for (const t of ours) {
    const threads = /^native (\d+)T$/.exec(t.backend)?.[1];
    if (!threads) continue;
    for (const a of anchors) {
      const runtime = RUNTIMES[a.runtime];
      if (!runtime || a.model !== t.model || a.case !== t.anchorCase || a.threads !== Number(threads) || !a.ok) continue;
      ratios.push({ model: t.model, case: t.case, threads: a.threads, tsjitUs: t.us, runtime, theirUs: a.best_median_us, speedup: a.best_median_us / t.us });
    }
  }
  return ratios;
}
