/**
 * A throwaway TypeScript project for the rollup tests, written under test/.artifacts/
 * (inside the package, so that a bundle run there resolves "tsjit" to this checkout's
 * build by the package's self-reference): a tsconfig whose "tsjit" types are the built
 * ones, source files, and a saved model file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "test/.artifacts");

export function createProject(name: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(ARTIFACTS, `${name}-`));
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      types: [],
      paths: { tsjit: [join(ROOT, "dist/runtime/index.d.ts")] },
    },
    files: [join(ROOT, "transformer/rollup/modules.d.ts")],
    include: ["*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}
