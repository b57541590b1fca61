/**
 * The browser entry as a user's bundler sees it: "tsjit" imported from a project and
 * bundled with @rollup/plugin-node-resolve({ browser: true }) resolves, through the
 * package's "browser" export condition, to dist/browser/index.js, and the bundle pulls in
 * no Node built-in, no typescript and no native backend, and imports nothing.
 */
import { builtinModules } from "node:module";
import { join } from "node:path";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { rollup } from "rollup";
import { describe, expect, it } from "vitest";
import { createProject, ROOT } from "./project.js";

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

async function bundleEntry(browser: boolean): Promise<{ moduleIds: string[]; imports: string[]; dynamicImports: string[] }> {
  const dir = createProject("browser", { "entry.js": `import { load, tensor, backend } from "tsjit";\nexport { load, tensor, backend };\n` });
  const build = await rollup({ input: join(dir, "entry.js"), plugins: [nodeResolve({ browser })], onwarn: () => {} });
  const { output } = await build.generate({ format: "es" });
  await build.close();
  const chunk = output[0];
  return { moduleIds: chunk.moduleIds, imports: chunk.imports, dynamicImports: chunk.dynamicImports };
}

describe("the browser entry", () => {
  it("is what node-resolve({ browser: true }) picks, and it brings no Node built-in, typescript or native backend", async () => {
    const { moduleIds, imports, dynamicImports } = await bundleEntry(true);
    expect(moduleIds).toContain(join(ROOT, "dist/browser/index.js"));
    expect(moduleIds.filter((id) => NODE_BUILTINS.has(id) || /typescript|[\\/]kernels[\\/]native[\\/]|platform[\\/]node/.test(id))).toEqual([]);
    expect(imports).toEqual([]);
    expect(dynamicImports).toEqual([]);
  });

  it("differs from the Node entry, which node-resolve picks without the browser condition", async () => {
    const { moduleIds, dynamicImports } = await bundleEntry(false);
    expect(moduleIds).toContain(join(ROOT, "dist/runtime/platform/node.js"));
    expect(dynamicImports).toContain("node:fs/promises");
  });
});
