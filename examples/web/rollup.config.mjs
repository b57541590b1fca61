// The web example: page/main.ts → page/dist/main.js, one ES module for the browser, and
// page/dist/assets/digits-<hash>.tsjit, the MLP model file it fetches.
// tsjit/rollup compiles the @script models and inlines the small model file; node-resolve
// with `browser: true` picks tsjit's browser entry (no Node built-ins, no native addon).
// Build: `npm run examples` (or, after `npm run build`, `npx rollup -c examples/web/rollup.config.mjs`).
import nodeResolve from "@rollup/plugin-node-resolve";
import tsjit from "tsjit/rollup";

export default {
  input: "examples/web/page/main.ts",
  plugins: [tsjit({ tsconfig: "examples/web/page/tsconfig.json" }), nodeResolve({ browser: true })],
  output: { file: "examples/web/page/dist/main.js", format: "es", sourcemap: true },
};
