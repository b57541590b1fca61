/**
 * `import model from "./digits.tsjit"`: the module rollup builds for a model file. Its
 * default export is the model loaded by the runtime's `load` — awaited at the top level
 * (a ready ScriptModule; needs an `es` or `system` output), or, with
 * `topLevelAwait: false` (for `cjs`), the Promise of it. The bytes are inlined as base64
 * below `inlineLimit`, else emitted as an asset and read (Node) or fetched (browser)
 * from beside the bundle at run time, through `import.meta.ROLLUP_FILE_URL_*`, which
 * rollup writes out per output format.
 */
import { decodeModelFile } from "../../runtime/serialize/index.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";

export const MODEL_EXTENSION = ".tsjit";

/** Where the generated module takes `load` from: the runtime package, resolved by the bundle's own resolution (browser or Node entry). */
const RUNTIME_SPECIFIER = "tsjit";

/**
 * Checks that `bytes` are a model file holding a module, so that a bad file fails the
 * build rather than the page; returns why not, or undefined.
 */
export function modelFileProblem(bytes: Uint8Array): string | undefined {
  try {
    const loaded = decodeModelFile(bytes);
    if (!(loaded instanceof ScriptModule)) return `it holds the ScriptFunction ${loaded.name}, and a .tsjit import must hold a ScriptModule; read function files with load() instead`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface ModelModuleSource {
  /** The file's bytes, to inline. */
  readonly inline?: Uint8Array;
  /** The asset's reference from `emitFile`, to load from beside the bundle. */
  readonly assetReference?: string;
  readonly topLevelAwait: boolean;
}

export function modelModuleCode({ inline, assetReference, topLevelAwait }: ModelModuleSource): string {
  const source = inline !== undefined ? `Uint8Array.from(atob(${JSON.stringify(toBase64(inline))}), (c) => c.charCodeAt(0))` : `new URL(import.meta.ROLLUP_FILE_URL_${assetReference})`;
  return [`import { load } from ${JSON.stringify(RUNTIME_SPECIFIER)};`, `export default ${topLevelAwait ? "await " : ""}load(${source});`, ""].join("\n");
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
