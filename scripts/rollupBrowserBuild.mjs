// dist/browser/index.js: the runtime's browser entry, bundled from tsc's output
// (dist/runtime/index.js) with runtime/platform/index.js replaced by browser.js
// (Note [Platform per entry] in runtime/platform/Platform.ts), and the runtime's
// dependency fflate (torch.save archives) bundled in.
// Any import left unresolved (a Node built-in) fails the build: the file must load as
// is in a browser, and bundlers must find nothing further to resolve in it.
import { dirname, resolve } from "node:path";
import { nodeResolve } from "@rollup/plugin-node-resolve";

const PLATFORM_INDEX = /[\\/]runtime[\\/]platform[\\/]index\.js$/;

function browserPlatform() {
  return {
    name: "tsjit-browser-platform",
    resolveId(source, importer) {
      if (importer === undefined || !source.startsWith(".")) return null;
      const file = resolve(dirname(importer), source);
      return PLATFORM_INDEX.test(file) ? file.replace(PLATFORM_INDEX, "/runtime/platform/browser.js") : null;
    },
  };
}

export const browserBuild = {
  input: "dist/runtime/index.js",
  plugins: [browserPlatform(), nodeResolve({ browser: true, preferBuiltins: false })],
  external: () => false,
  output: { file: "dist/browser/index.js", format: "es", sourcemap: true },
  onwarn(warning, warn) {
    if (warning.code === "CIRCULAR_DEPENDENCY") return; // the runtime's circular imports are fine at run time
    if (warning.code === "UNRESOLVED_IMPORT") throw new Error(`browser build: ${warning.message}`);
    warn(warning);
  },
};
