/**
 * tsjit/rollup in rollup's watch mode: a change to an imported model file (watched
 * with addWatchFile) and to a @script source each trigger a rebuild whose bundle has
 * the new bytes or the new IR.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { watch, type RollupWatcher, type RollupWatcherEvent } from "rollup";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { manualSeed, nn, save, tensor, trace } from "../../runtime/index.js";
import { createProject, ROOT } from "./project.js";

type TsjitFactory = (options?: Record<string, unknown>) => import("rollup").Plugin;
let tsjit: TsjitFactory;
let watcher: RollupWatcher | undefined;

beforeAll(async () => {
  ({ default: tsjit } = (await import(join(ROOT, "dist/transformer/rollup/index.js"))) as { default: TsjitFactory });
});

afterEach(async () => {
  await watcher?.close();
});

async function modelBytes(seed: number): Promise<Uint8Array> {
  manualSeed(seed);
  return save(trace(new nn.Linear(2, 1).eval(), [tensor([[1, 2]])]));
}

const scaled = (factor: number): string => `import { script, type Tensor } from "tsjit";
export const scale = script(function scale(x: Tensor): Tensor {
  return x.mul(${factor});
});
`;

/** Resolves with the code of each bundle the watcher writes, one `next()` at a time. */
function bundles(w: RollupWatcher): () => Promise<string> {
  const waiting: ((code: string) => void)[] = [];
  const ready: string[] = [];
  w.on("event", (event: RollupWatcherEvent) => {
    if (event.code === "ERROR") throw event.error;
    if (event.code !== "BUNDLE_END") return;
    void event.result.generate({ format: "es" }).then(({ output }) => {
      const code = output[0].code;
      const next = waiting.shift();
      if (next) next(code);
      else ready.push(code);
    });
  });
  return () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

/** The watcher starts watching a build's files after the build; a change before that is not seen. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

describe("tsjit/rollup in watch mode", () => {
  it("rebuilds when an imported model file or a @script source changes", async () => {
    const project = createProject("watch", {
      "entry.ts": `import model from "./m.tsjit";\nimport { scale } from "./scale.js";\nconsole.log(model, scale);\n`,
      "scale.ts": scaled(2),
      "m.tsjit": await modelBytes(1),
    });
    watcher = watch({ input: join(project, "entry.ts"), plugins: [tsjit({ tsconfig: join(project, "tsconfig.json") })], external: ["tsjit"], onwarn: () => {}, watch: { skipWrite: true } });
    const next = bundles(watcher);
    const first = await next();
    expect(first).toContain('\\"value\\":2');

    await settle();
    writeFileSync(join(project, "m.tsjit"), await modelBytes(2));
    const second = await next();
    expect(second.match(/atob\("([^"]+)"\)/)![1]).not.toBe(first.match(/atob\("([^"]+)"\)/)![1]);

    await settle();
    writeFileSync(join(project, "scale.ts"), scaled(3));
    const third = await next();
    expect(third).toContain('\\"value\\":3');
    expect(third).not.toContain('\\"value\\":2');
  }, 30_000);
});
