/**
 * `npm run bench`: the JS and native backends' speed, as JSON (bench/results/) and
 * tables: SGEMM GFLOP/s for square and skinny shapes as a fraction of this machine's
 * peak FMA throughput measured in the same run, and the eager latency of every fixture
 * model case. `-- --anchors <results.json>` adds the ratios against PyTorch and
 * onnxruntime-node from ../shared/anchors (run them just before, on the same machine).
 * Compare ratios within one run; the machines are noisy. `--models simple,rnn` limits
 * the models, `--skip-sgemm` leaves out the peak and SGEMM measurements.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backend, manualSeed } from "tsjit";
import { anchorRatios, readAnchors } from "./anchors.js";
import { BENCH_BACKENDS } from "./backends.js";
import { benchModels } from "./models.js";
import { measurePeak } from "./peak.js";
import { benchSgemm } from "./sgemm.js";
import { printAnchors, printModels, printPeak, printSgemm } from "./table.js";
import { BUDGET_MS } from "./timing.js";

const { values: options } = parseArgs({
  options: { anchors: { type: "string" }, models: { type: "string" }, "skip-sgemm": { type: "boolean" }, help: { type: "boolean" } },
});
if (options.help) {
  console.log("node dist/bench/run.js [--anchors <results.json>] [--models simple,controlflow,...] [--skip-sgemm]");
  process.exit(0);
}
const anchors = options.anchors === undefined ? null : readAnchors(options.anchors);

manualSeed(0);
const date = new Date().toISOString();
const atLoad = backend();
console.log(`tsjit bench  ${date}  ${cpus()[0]?.model}  node ${process.version}`);
console.log(`at load: ${atLoad.name}${atLoad.isa ? ` (${atLoad.isa}, ${atLoad.threads} threads)` : ""}: ${atLoad.reason}`);
console.log(`compared: ${BENCH_BACKENDS.map((b) => b.label).join(", ")}\n`);

const skipSgemm = options["skip-sgemm"] === true;
const peak = skipSgemm ? null : measurePeak();
const sgemm = skipSgemm ? [] : benchSgemm();
if (!skipSgemm) {
  printSgemm(sgemm, peak);
  if (peak) printPeak(sgemm, peak);
  else console.log("\nnative backend not available: no peak measurement (JS only)");
}
const models = await benchModels(options.models?.split(","));
printModels(models);
const ratios = anchors ? anchorRatios(anchors, models, sgemm) : null;
if (ratios) printAnchors(ratios);

const results = { date, node: process.version, cpu: cpus()[0]?.model, backendAtLoad: atLoad, budgetMs: BUDGET_MS, peak, sgemm, models, anchors: ratios };
const dir = join(process.cwd(), "bench", "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nJSON: ${file}`);
