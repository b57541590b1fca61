/**
 * A vitest (vite) plugin: examples/ use TypeScript 5 standard decorators (`@script`),
 * which vite's oxc transform leaves to Node, and Node cannot parse them yet. Those
 * files go through TypeScript's own transpileModule instead, which lowers decorators
 * exactly as a plain `tsc` build does (a plain `@script` only marks the method; the
 * compiled forms are tested from the tspc build in dist/examples).
 */
import ts from "typescript";
import type { Plugin } from "vite";

export function lowerDecorators(include: RegExp): Plugin {
  return {
    name: "tsjit:lower-decorators",
    enforce: "pre",
    transform(code, id) {
      if (!include.test(id) || !id.endsWith(".ts") || !code.includes("@")) return null;
      const { outputText, sourceMapText } = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, verbatimModuleSyntax: true },
      });
      return { code: outputText.replace(/\/\/# sourceMappingURL=.*$/m, ""), map: sourceMapText ?? null };
    },
  };
}
