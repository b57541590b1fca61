/**
 * The `typescript` the plugin compiles with: the one the project resolves from here,
 * loaded with `require` (the package is CommonJS) and typed as the module namespace
 * the frontend's functions take.
 */
import { createRequire } from "node:module";
import type * as ts from "typescript";

export const typescript = createRequire(import.meta.url)("typescript") as typeof ts;
