// Bundles the tsserver plugin (language-plugin/src/index.ts) into ONE CommonJS file,
// language-plugin/dist/index.js, the file language-plugin/package.json's `main` names.
//
// Why its own build: tsserver `require`s plugins with classic resolution (package.json
// `main`, `.js`; no `exports`, no `.cjs`), so the file must be `.js` inside a folder whose
// package.json says "type": "commonjs". The input is the TypeScript SOURCE (the plugin, the
// frontend, analyzeFile, tsDiagnostics and the runtime modules they import), transpiled
// file by file with `transpileModule` (the repo compiles with verbatimModuleSyntax, so
// every file transpiles in isolation): the root tsconfig does not include language-plugin/,
// and this keeps the plugin buildable alone with `npx rollup -c language-plugin/rollup.config.mjs`.
// `typescript` stays external, and the plugin only ever uses the instance tsserver injects
// (`init({ typescript })`); the `typescript` imported here is the build's, used to transpile.
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import typescript from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const external = new Set(["typescript", ...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** `./x.js` → `./x.ts` when the `.ts` exists; `.ts` → ES2022 JavaScript. */
function transpileTypeScript() {
  return {
    name: "tsjit-transpile",
    resolveId(source, importer) {
      if (importer === undefined || !source.startsWith(".")) return null;
      const candidate = resolve(dirname(importer), source.replace(/\.js$/, ".ts"));
      return existsSync(candidate) ? candidate : null;
    },
    load(id) {
      if (!id.endsWith(".ts")) return null;
      const output = typescript.transpileModule(readFileSync(id, "utf8"), {
        fileName: id,
        compilerOptions: {
          target: typescript.ScriptTarget.ES2022,
          module: typescript.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: true,
          inlineSources: true,
        },
      });
      return { code: output.outputText.replace(/\/\/# sourceMappingURL=.*$/m, ""), map: output.sourceMapText };
    },
  };
}

export default {
  input: resolve(here, "src/index.ts"),
  external: (id) => external.has(id),
  plugins: [transpileTypeScript()],
  output: {
    file: resolve(here, "dist/index.js"),
    format: "cjs",
    exports: "default",
    sourcemap: true,
    generatedCode: "es2015",
  },
  onwarn(warning, warn) {
    // The runtime's modules have circular imports that are fine at run time.
    if (warning.code === "CIRCULAR_DEPENDENCY") return;
    warn(warning);
  },
};
