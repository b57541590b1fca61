/**
 * tsjit/rollup driven in-process (the built plugin, dist/transformer/rollup, as a user
 * imports it): the bundle carries the precompiled IR and no compiler; a @script error
 * fails the build with its TSJ code, file, line and column; model imports inlined and as
 * assets; es and cjs outputs, each run in a child Node process; alongside
 * @rollup/plugin-typescript.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import typescriptImport from "@rollup/plugin-typescript";
import { rollup, type OutputAsset, type OutputChunk, type OutputOptions, type Plugin, type RollupError } from "rollup";
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, relu, save, tensor, trace, type Tensor } from "../../runtime/index.js";
import { createProject, ROOT } from "./project.js";

// The package's types are CommonJS-shaped: under NodeNext its default import is typed as
// the namespace, while at run time (its ES build) it is the function.
const typescript = typescriptImport as unknown as typeof typescriptImport.default;

type TsjitFactory = (options?: Record<string, unknown>) => Plugin & { api: { transformers: never } };
let tsjit: TsjitFactory;

const MODEL_SOURCE = `import { nn, relu, script, type Tensor } from "tsjit";

export const double = script(function double(x: Tensor): Tensor {
  if (x.sum().item() > 0) {
    return x.mul(2);
  }
  return x;
});

export class Small extends nn.Module {
  fc = new nn.Linear(3, 2);

  @script
  override forward(input: Tensor): Tensor {
    return relu(this.fc.forward(input));
  }
}
`;

const ENTRY_SOURCE = `import { tensor, script, type Tensor } from "tsjit";
import saved from "./small.tsjit";
import { double, Small } from "./model.js";

Promise.resolve(saved).then((loaded) => {
  const model = new Small().eval();
  model.loadStateDict(loaded.stateDict());
  const x = tensor([[1, -2, 3]]);
  const y = script(model).forward(x) as Tensor;
  console.log(JSON.stringify({ scripted: y.tolist(), saved: (loaded.forward(x) as Tensor).tolist(), double: double(x).tolist() }));
});
`;

const BAD_SOURCE = `import { script, type Tensor } from "tsjit";

export const f = script(function f(x: Tensor): Tensor {
  const g = (t: Tensor) => t.relu();
  return g(x);
});
`;

class Small extends nn.Module {
  fc = new nn.Linear(3, 2);
  override forward(input: Tensor): Tensor {
    return relu(this.fc.forward(input));
  }
}

let project: string;
let expected: string;

beforeAll(async () => {
  ({ default: tsjit } = (await import(join(ROOT, "dist/transformer/rollup/index.js"))) as { default: TsjitFactory });
  manualSeed(3);
  const model = new Small().eval();
  const x = tensor([[1, -2, 3]]);
  const bytes = await save(trace(model, [x]));
  project = createProject("plugin", { "model.ts": MODEL_SOURCE, "entry.ts": ENTRY_SOURCE, "bad.ts": BAD_SOURCE, "small.tsjit": bytes });
  const y = model.forward(x).tolist();
  expected = JSON.stringify({ scripted: y, saved: y, double: x.mul(2).tolist() });
}, 60_000);

/** Bundles `entry` with the given plugins and output options; "tsjit" bundled from this checkout's Node entry. */
async function bundle(plugins: Plugin[], output: OutputOptions, entry = "entry.ts"): Promise<(OutputChunk | OutputAsset)[]> {
  const build = await rollup({ input: join(project, entry), plugins: [...plugins, nodeResolve()], onwarn: () => {} });
  try {
    return (await build.generate(output)).output;
  } finally {
    await build.close();
  }
}

function chunkOf(output: (OutputChunk | OutputAsset)[]): OutputChunk {
  return output.find((item): item is OutputChunk => item.type === "chunk" && item.isEntry)!;
}

/** Writes the output beside the project and runs the entry chunk with node; returns its stdout. */
function run(output: (OutputChunk | OutputAsset)[], folder: string): string {
  const dir = join(project, folder);
  for (const item of output) {
    const file = join(dir, item.fileName);
    spawnSync("mkdir", ["-p", join(file, "..")]);
    writeFileSync(file, item.type === "chunk" ? item.code : item.source);
  }
  const result = spawnSync(process.execPath, [join(dir, chunkOf(output).fileName)], { cwd: dir, encoding: "utf8", env: { ...process.env, TSJIT_BACKEND: "js" } });
  expect(result.stderr).toBe("");
  return result.stdout.trim();
}

describe("tsjit/rollup", () => {
  it("compiles @script sites into the bundle: the IR is there, the compiler is not", async () => {
    const output = await bundle([tsjit({ tsconfig: join(project, "tsconfig.json") })], { format: "es", sourcemap: true });
    const chunk = chunkOf(output);
    expect(chunk.code).toMatch(/script\.compiled\("\{/);
    expect(chunk.code).toContain("aten::relu");
    expect(chunk.code).toContain("prim::If");
    // Nothing of the compiler: no module of transformer/ (the run-time compiler included), no typescript.
    expect(chunk.moduleIds.filter((id) => /[\\/](transformer|typescript)[\\/]/.test(id))).toEqual([]);
    expect(chunk.imports).toEqual([]);
    expect(chunk.map?.sources.some((source) => source.endsWith("model.ts"))).toBe(true);
    expect(run(output, "es")).toBe(expected);
  });

  it("fails the build on a @script error with the TSJ code, file, line and column", async () => {
    const failure = await bundle([tsjit({ tsconfig: join(project, "tsconfig.json") })], { format: "es" }, "bad.ts").then(
      () => undefined,
      (error: RollupError) => error,
    );
    expect(failure).toBeDefined();
    expect(failure!.message).toContain("TSJ1001");
    expect(failure!.pluginCode).toBe("TSJ1001");
    expect(failure!.loc).toEqual({ file: join(project, "bad.ts"), line: 4, column: 12 });
  });

  it("inlines a model file under inlineLimit and emits it as an asset above; both load", async () => {
    const inlined = await bundle([tsjit({ tsconfig: join(project, "tsconfig.json"), inlineLimit: 1 << 20 })], { format: "es" });
    expect(inlined.some((item) => item.type === "asset")).toBe(false);
    expect(chunkOf(inlined).code).toContain("atob(");
    const emitted = await bundle([tsjit({ tsconfig: join(project, "tsconfig.json"), inlineLimit: 0 })], { format: "es" });
    const asset = emitted.find((item): item is OutputAsset => item.type === "asset" && item.fileName.endsWith(".tsjit"));
    expect(asset).toBeDefined();
    expect(chunkOf(emitted).code).toContain(`new URL('${asset!.fileName}', import.meta.url)`);
    expect(run(inlined, "inlined")).toBe(expected);
    expect(run(emitted, "asset")).toBe(expected);
  });

  it("builds cjs: with topLevelAwait false a model import is a Promise, from an inlined file or an asset", async () => {
    for (const inlineLimit of [1 << 20, 0]) {
      const output = await bundle([tsjit({ tsconfig: join(project, "tsconfig.json"), inlineLimit, topLevelAwait: false })], { format: "cjs", entryFileNames: "[name].cjs" });
      expect(chunkOf(output).code).not.toContain("await load(");
      expect(run(output, `cjs-${inlineLimit}`)).toBe(expected);
    }
  });

  it("works alongside @rollup/plugin-typescript: that plugin emits with tsjit's transformers, tsjit reports", async () => {
    const jit = tsjit({ tsconfig: join(project, "tsconfig.json") });
    const typescriptPlugin = (tsconfig: string) => typescript({ tsconfig, transformers: jit.api.transformers, noEmitOnError: false, outputToFilesystem: false });
    const output = await bundle([typescriptPlugin(join(project, "tsconfig.json")), jit], { format: "es" });
    expect(chunkOf(output).code).toMatch(/script\.compiled\("\{/);
    expect(run(output, "alongside")).toBe(expected);
    const failure = await bundle([typescriptPlugin(join(project, "tsconfig.json")), jit], { format: "es" }, "bad.ts").then(
      () => undefined,
      (error: RollupError) => error,
    );
    expect(failure?.pluginCode).toBe("TSJ1001");
  });

  it("refuses a model file that does not load, naming it", async () => {
    const broken = createProject("broken", { "entry.ts": `import m from "./bad.tsjit";\nconsole.log(m);\n`, "bad.tsjit": new Uint8Array([1, 2, 3]) });
    const failure = await rollup({ input: join(broken, "entry.ts"), plugins: [tsjit({ tsconfig: join(broken, "tsconfig.json") })], onwarn: () => {} }).then(
      () => undefined,
      (error: RollupError) => error,
    );
    expect(failure?.message).toMatch(/bad\.tsjit is not a usable model file: .*truncated/);
  });
});
