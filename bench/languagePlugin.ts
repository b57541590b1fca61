/**
 * `npm run bench:plugin`: what the language plugin adds to semantic diagnostics, the
 * request an editor sends after every keystroke (issue 5: under 100 ms for a 2,000-line
 * file with 50 `@script` functions, after warm-up).
 *
 * Two language services over the same generated file (in memory; "tsjit" mapped to the
 * built dist/runtime/index.d.ts): the plain one, and the same wrapped by the BUILT plugin
 * (language-plugin/dist/index.js, the file tsserver loads), created exactly as tsserver
 * creates it (`init({ typescript }).create(info)`). Each iteration edits the file (a new
 * program, as typing gives) and asks both for `getSemanticDiagnostics`; the plugin's
 * service also gets a repeat request on the unchanged program (its per-program cache).
 * Medians are reported; compare them within one run, the machines are noisy.
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(import.meta.dirname, "../..");
const FILE = join(ROOT, "bench/__pluginBench.ts");
const FUNCTIONS = 50;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 15);

/** 50 `script(function ...)` sites of 40 lines each: loops, ifs, op calls, a helper call. */
export function generateFile(functions = FUNCTIONS): string {
  const lines = [`import { add, mul, relu, script, sigmoid, sub, tanh, zerosLike, type Tensor } from "tsjit";`, ""];
  for (let i = 0; i < functions; i++) {
    lines.push(
      `function helper${i}(a: Tensor, b: Tensor): Tensor {`,
      `  return add(mul(a, b), a);`,
      `}`,
      ``,
      `export const step${i} = script(function step${i}(x: Tensor, h: Tensor, n: number, flag: boolean): Tensor {`,
      `  let y = relu(x);`,
      `  let acc = zerosLike(h);`,
      `  let count = 0;`,
      `  for (let k = 0; k < 4; k++) {`,
      `    if (y.sum().item() > n) {`,
      `      acc = add(acc, mul(y, h));`,
      `      count += 1;`,
      `    } else {`,
      `      acc = sub(acc, y);`,
      `    }`,
      `    y = tanh(y);`,
      `  }`,
      `  let j = 0;`,
      `  while (j < count) {`,
      `    acc = helper${i}(acc, h);`,
      `    j++;`,
      `  }`,
      `  if (flag) {`,
      `    acc = sigmoid(acc);`,
      `  } else {`,
      `    acc = relu(acc);`,
      `  }`,
      `  const scale = n * 2 + ${i};`,
      `  if (scale > 10) {`,
      `    acc = mul(acc, y);`,
      `  }`,
      `  const z = acc.relu();`,
      `  const w = add(z, x);`,
      `  if (w.mean().item() < 0) {`,
      `    return sub(w, h);`,
      `  }`,
      `  return w;`,
      `});`,
      ``,
      ``,
    );
  }
  return lines.join("\n");
}

interface Service {
  readonly service: ts.LanguageService;
  edit(): void;
}

function makeService(text: string): Service {
  let version = 0;
  let current = text;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    baseUrl: ROOT,
    paths: { tsjit: ["./dist/runtime/index.d.ts"] },
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [FILE],
    getScriptVersion: (name) => (name === FILE ? String(version) : "0"),
    getScriptSnapshot: (name) => {
      if (name === FILE) return ts.ScriptSnapshot.fromString(current);
      const content = ts.sys.readFile(name);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => ROOT,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === FILE || ts.sys.fileExists(name),
    readFile: (name) => (name === FILE ? current : ts.sys.readFile(name)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  return {
    service,
    edit() {
      version++;
      current = `${text}\n// edit ${version}\n`;
    },
  };
}

type PluginInit = (modules: { typescript: typeof ts }) => { create(info: unknown): ts.LanguageService };

function withPlugin(plain: ts.LanguageService): ts.LanguageService {
  const init = createRequire(import.meta.url)(join(ROOT, "language-plugin/dist/index.js")) as PluginInit;
  const logged: string[] = [];
  const info = { config: { name: "tsjit/language-plugin" }, languageService: plain, project: { projectService: { logger: { info: (s: string) => logged.push(s) } } } };
  const service = init({ typescript: ts }).create(info);
  if (!logged.some((l) => l.includes("enabled"))) throw new Error(`the plugin did not start: ${logged.join("\n")}`);
  return service;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function timed(body: () => unknown): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

function main(): void {
  const text = generateFile();
  const plain = makeService(text);
  const plugged = makeService(text);
  const pluginService = withPlugin(plugged.service);

  const tsj = pluginService.getSemanticDiagnostics(FILE).filter((d) => d.source === "tsjit");
  if (tsj.length > 0) throw new Error(`the generated file should compile, got ${tsj.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`);
  const sites = generateFile().match(/script\(function/g)?.length ?? 0;

  const plainMs: number[] = [];
  const pluginMs: number[] = [];
  const cachedMs: number[] = [];
  for (let i = 0; i < ITERATIONS + 3; i++) {
    plain.edit();
    plugged.edit();
    const a = timed(() => plain.service.getSemanticDiagnostics(FILE));
    const b = timed(() => pluginService.getSemanticDiagnostics(FILE));
    const c = timed(() => pluginService.getSemanticDiagnostics(FILE));
    if (i < 3) continue; // warm-up
    plainMs.push(a);
    pluginMs.push(b);
    cachedMs.push(c);
  }
  const result = {
    file: { lines: text.split("\n").length, scriptSites: sites },
    iterations: ITERATIONS,
    plainMs: median(plainMs),
    withPluginMs: median(pluginMs),
    addedMs: median(pluginMs) - median(plainMs),
    addedPerEditMs: median(pluginMs.map((p, i) => p - plainMs[i]!)),
    repeatRequestMs: median(cachedMs),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `semantic diagnostics of a ${result.file.lines}-line file with ${sites} @script functions, after an edit (median of ${ITERATIONS}): ` +
      `TypeScript ${result.plainMs.toFixed(1)} ms, with the plugin ${result.withPluginMs.toFixed(1)} ms ` +
      `(+${result.addedMs.toFixed(1)} ms; the plugin's own work ${result.addedPerEditMs.toFixed(1)} ms per edit); ` +
      `repeat request on the same program ${result.repeatRequestMs.toFixed(2)} ms`,
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, "languagePlugin.js")) main();
