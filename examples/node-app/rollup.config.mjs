// The node-app: main.ts → dist/main.mjs, with tsjit's runtime bundled in (the bundle
// runs where neither tsjit nor typescript is installed) and the model file emitted
// beside it as an asset (dist/assets/digits-<hash>.tsjit), read at run time.
// Build: `npm run examples` (or, after `npm run build`, `npx rollup -c examples/node-app/rollup.config.mjs`).
import nodeResolve from "@rollup/plugin-node-resolve";
import tsjit from "tsjit/rollup";

export default {
  input: "examples/node-app/main.ts",
  plugins: [tsjit({ tsconfig: "examples/node-app/tsconfig.json" }), nodeResolve()],
  output: { file: "examples/node-app/dist/main.mjs", format: "es", sourcemap: true },
  onwarn(warning, warn) {
    if (warning.code === "CIRCULAR_DEPENDENCY") return; // the runtime's circular imports are fine at run time
    warn(warning);
  },
};
