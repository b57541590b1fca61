/**
 * Throwaway projects for the transformer's end-to-end tests: a temp folder with a
 * tsconfig.json that loads the transformer the way a user's does
 * (`{ "transform": "tsjit/transformer" }`), `node_modules/tsjit` linked to this checkout
 * (so "tsjit" is the BUILT package: run `npm run build` first, as `npm test` does), and
 * helpers to run `tspc`, plain `tsc` and `node` on it in child processes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const TSPC = join(REPO, "node_modules/ts-patch/bin/tspc.js");
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

export function assertBuilt(): void {
  for (const file of ["dist/transformer/index.cjs", "dist/transformer/diagnostics.cjs", "dist/runtime/index.js"]) {
    if (!existsSync(join(REPO, file))) throw new Error(`${file} is missing: run \`npm run build\` before these tests (npm test does)`);
  }
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((done) => {
    execFile(command, [...args], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

export class Project {
  readonly dir: string;

  constructor(files: Record<string, string>, compilerOptions: Record<string, unknown> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "tsjit-transformer-"));
    mkdirSync(join(this.dir, "node_modules"));
    symlinkSync(REPO, join(this.dir, "node_modules/tsjit"), "dir");
    this.write("package.json", JSON.stringify({ name: "app", private: true, type: "module" }));
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        types: [],
        skipLibCheck: true,
        sourceMap: true,
        rootDir: "src",
        outDir: "out",
        plugins: [{ transform: "tsjit/transformer" }, { transform: "tsjit/transformer/diagnostics", transformProgram: true }],
        ...compilerOptions,
      },
      include: ["src"],
    };
    this.write("tsconfig.json", JSON.stringify(tsconfig, null, 2));
    for (const [name, text] of Object.entries(files)) this.write(join("src", name), text);
  }

  write(name: string, text: string): void {
    mkdirSync(dirname(join(this.dir, name)), { recursive: true });
    writeFileSync(join(this.dir, name), text);
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), "utf8");
  }

  tspc(...args: string[]): Promise<RunResult> {
    const project = args[0] === "-b" ? [] : ["-p", "tsconfig.json"];
    return run(process.execPath, [TSPC, ...project, ...args], this.dir);
  }

  /** tspc started from another folder, naming this project's tsconfig.json by its absolute path. */
  tspcFrom(cwd: string, ...args: string[]): Promise<RunResult> {
    return run(process.execPath, [TSPC, "-p", join(this.dir, "tsconfig.json"), ...args], cwd);
  }

  /** Plain tsc: ignores the `transform` plugins, so it is the untransformed reference build. */
  tsc(...args: string[]): Promise<RunResult> {
    return run(process.execPath, [TSC, "-p", "tsconfig.json", ...args], this.dir);
  }

  node(file: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return run(process.execPath, [file], this.dir, env);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** One decoded mapping: generated position → original position (all 0-based). */
export interface Mapping {
  readonly generatedLine: number;
  readonly generatedColumn: number;
  readonly source: number;
  readonly originalLine: number;
  readonly originalColumn: number;
}

/** Decodes a source map v3 `mappings` string (base64 VLQ, fields relative as the spec says). */
export function decodeMappings(mappings: string): Mapping[] {
  const result: Mapping[] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  const lines = mappings.split(";");
  for (let generatedLine = 0; generatedLine < lines.length; generatedLine++) {
    let generatedColumn = 0;
    for (const segment of lines[generatedLine]!.split(",")) {
      if (segment === "") continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        if (digit < 0) throw new Error(`bad VLQ character '${char}'`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generatedColumn += fields[0]!;
      if (fields.length < 4) continue;
      source += fields[1]!;
      originalLine += fields[2]!;
      originalColumn += fields[3]!;
      result.push({ generatedLine, generatedColumn, source, originalLine, originalColumn });
    }
  }
  return result;
}
