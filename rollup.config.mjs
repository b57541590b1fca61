// Bundles the two ts-patch entries as CommonJS, the format ts-patch `require`s:
//   dist/transformer/index.cjs        { "transform": "tsjit/transformer" }
//   dist/transformer/diagnostics.cjs  { "transform": "tsjit/transformer/diagnostics", "transformProgram": true }
// Input is tsc's ESM output in dist/ (npm run build runs tsc first). Both entries go
// through ONE build so rollup puts what they share (analyzeFile and its per-program
// cache, the frontend, the runtime's IR and op registry) in one common chunk that both
// require: one module instance, one cache, one checker walk per file (Note [One
// analysis per file per program] in transformer/analyzeFile.ts). `typescript` stays
// external; the transformer only ever uses the instance ts-patch hands it.
import { builtinModules } from "node:module";
import { browserBuild } from "./scripts/rollupBrowserBuild.mjs";
// The tsserver plugin is a separate, self-contained bundle (language-plugin/dist/index.js);
// its config explains why. It is listed second so the transformer bundle is built first.
import languagePlugin from "./language-plugin/rollup.config.mjs";

const external = new Set(["typescript", ...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

const transformer = {
  input: {
    index: "dist/transformer/index.js",
    diagnostics: "dist/transformer/diagnostics.js",
  },
  external: (id) => external.has(id),
  output: {
    dir: "dist/transformer",
    format: "cjs",
    exports: "auto",
    entryFileNames: "[name].cjs",
    // Everything but the two entries goes in one chunk with a stable name, so rebuilds overwrite it.
    manualChunks: (id) => (/[\\/]transformer[\\/](index|diagnostics)\.js$/.test(id) ? undefined : "shared"),
    chunkFileNames: "[name].cjs",
    sourcemap: true,
    generatedCode: "es2015",
  },
  onwarn(warning, warn) {
    // The runtime's modules have circular imports that are fine at run time.
    if (warning.code === "CIRCULAR_DEPENDENCY") return;
    warn(warning);
  },
};

// The browser entry (package.json's "browser" condition and "tsjit/browser"): tsc's
// runtime output in one ES module, with the Node platform swapped for the browser's.
export default [transformer, browserBuild, languagePlugin];
