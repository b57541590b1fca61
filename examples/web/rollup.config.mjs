// The web example: page/main.ts → page/dist/main.js, one ES module for the browser.
// tsjit/rollup compiles the @script model and inlines the small model file; node-resolve
// with `browser: true` picks tsjit's browser entry (no Node built-ins, no native addon).
// Build: `npm run examples` (or, after `npm run build`, `npx rollup -c examples/web/rollup.config.mjs`).
import nodeResolve from "@rollup/plugin-node-resolve";
import tsjit from "tsjit/rollup";

export default {
  input: "examples/web/page/main.ts",
  plugins: [tsjit({ tsconfig: "examples/web/page/tsconfig.json" }), nodeResolve({ browser: true })],
  output: { file: "examples/web/page/dist/main.js", format: "es", sourcemap: true },
};
