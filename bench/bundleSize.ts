/**
 * `npm run bench:bundle`: what tsjit adds to a bundle, and the web example's inference
 * time in Chromium. Sizes are rollup bundles minified by @rollup/plugin-terser, raw and
 * gzipped (zlib, level 9):
 *   - the runtime alone: `export * from "tsjit"` through the browser entry;
 *   - examples/web: the page script (runtime, the @script model, the inlined model file);
 *   - examples/node-app: the script (runtime and @script model), plus its model asset.
 * The examples' model files must exist (`npm run examples` writes them). The timings are
 * the page's own (one forward of each of its models, averaged), read from headless Chromium (CHROMIUM_PATH or /usr/bin/chromium); skipped without it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import terserImport from "@rollup/plugin-terser";
import { chromium } from "playwright-core";
import { rollup, type OutputAsset, type OutputChunk, type Plugin } from "rollup";
import tsjit from "tsjit/rollup";
import { servePage } from "../examples/web/serve.js";

// The package's types are CommonJS-shaped: under NodeNext its default import is typed as
// the namespace, while at run time (its ES build) it is the function.
const terser = terserImport as unknown as typeof terserImport.default;
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

interface Sizes {
  readonly minified: number;
  readonly gzipped: number;
}

function sizesOf(bytes: Uint8Array | string): Sizes {
  const buffer = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  return { minified: buffer.byteLength, gzipped: gzipSync(buffer, { level: 9 }).byteLength };
}

async function minifiedBundle(input: string, plugins: Plugin[]): Promise<{ code: Sizes; assets: Sizes[] }> {
  const build = await rollup({ input, plugins: [...plugins, terser()], onwarn: () => {} });
  const { output } = await build.generate({ format: "es" });
  await build.close();
  const chunk = output.find((item): item is OutputChunk => item.type === "chunk")!;
  const assets = output.filter((item): item is OutputAsset => item.type === "asset").map((asset) => sizesOf(asset.source));
  return { code: sizesOf(chunk.code), assets };
}

async function pageTimings(): Promise<{ controlflowMicroseconds: number; digitsMilliseconds: number } | undefined> {
  const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  if (!existsSync(executablePath) || !existsSync(join(root, "examples/web/page/dist/main.js"))) return undefined;
  const { server, url } = await servePage(join(root, "examples/web/page"));
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
  try {
    const tab = await browser.newPage();
    await tab.goto(url);
    await tab.waitForSelector("#digits-timing[data-milliseconds]");
    return {
      controlflowMicroseconds: Number(await tab.getAttribute("#timing", "data-microseconds")),
      digitsMilliseconds: Number(await tab.getAttribute("#digits-timing", "data-milliseconds")),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const row = (label: string, { minified, gzipped }: Sizes): string => `| ${label} | ${kib(minified)} | ${kib(gzipped)} |`;

const scratch = join(root, "dist/bench/bundle");
mkdirSync(scratch, { recursive: true });
writeFileSync(join(scratch, "runtime.js"), `export * from "tsjit";\n`);

const runtime = await minifiedBundle(join(scratch, "runtime.js"), [nodeResolve({ browser: true })]);
const web = await minifiedBundle(join(root, "examples/web/page/main.ts"), [tsjit({ tsconfig: join(root, "examples/web/page/tsconfig.json") }), nodeResolve({ browser: true })]);
const nodeApp = await minifiedBundle(join(root, "examples/node-app/main.ts"), [tsjit({ tsconfig: join(root, "examples/node-app/tsconfig.json") }), nodeResolve()]);
const browserEntry = readFileSync(join(root, "dist/browser/index.js"));

console.log("| bundle | minified | gzipped |");
console.log("|---|---|---|");
console.log(row("runtime alone (browser entry, everything exported)", runtime.code));
console.log(row("examples/web page script (runtime + 2 @script models + inlined 6 KB model file)", web.code));
console.log(row("examples/node-app script (runtime + @script model)", nodeApp.code));
for (const asset of nodeApp.assets) console.log(row("examples/node-app model asset (digits.tsjit)", asset));
console.log(`\ndist/browser/index.js unminified: ${kib(browserEntry.byteLength)}`);
const timings = await pageTimings();
if (timings === undefined) console.log("Chromium timing skipped: no Chromium or no built page (npm run examples)");
else {
  console.log(`examples/web in Chromium, one forward on the JS kernels, measured in the page:`);
  console.log(`  ControlFlowModel (10-5-1, scripted if): ${timings.controlflowMicroseconds.toFixed(1)} µs (mean of 200)`);
  console.log(`  digits MLP (784-512-512-10 + softmax): ${timings.digitsMilliseconds.toFixed(2)} ms (mean of 20)`);
}
