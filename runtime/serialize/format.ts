/**
 * The tsjit model file (DESIGN §5): one safetensors file. Everything tsjit-specific
 * sits in the header's `__metadata__` string map under the keys below; the tensors
 * are ordinary safetensors entries that any reader can load.
 *
 * Note [Model file layout]
 * - `__metadata__`: `{"format": "tsjit", "tsjit.version": "1", "tsjit.program": "<JSON>"}`.
 *   Other metadata keys (written by other tools) are ignored.
 * - Parameters and buffers: one tensor each, named by its state-dict key
 *   (`fc1.weight`, `layers.0.bias`), exactly as `stateDict()` names it.
 * - Tensor constants of a graph (`graph.constants`, referenced by
 *   `prim::Constant[value=tensor:NAME]`): `__constants__/<module path>/<graph>/<NAME>`,
 *   where <module path> is the dotted path of the module owning the method ("" for the
 *   root, so the root's forward constants are `__constants__//forward/c0`) and <graph> is
 *   the method name; a ScriptFunction's constants are `__constants__//<function name>/<NAME>`.
 *   The functions of the program's `functions` table (prim::CallFunction) keep theirs under
 *   the module path `@functions`: `__constants__/@functions/<function name>/<NAME>` ("@"
 *   is never in a module path).
 *   Module, parameter, buffer and method names never contain "/" or "." (the program
 *   decoder enforces it), so the key splits unambiguously at its first three "/".
 * - Every tensor in the file must be used by the program: a file with a tensor the
 *   program does not name is rejected (tsjit never writes one, and a stray tensor is
 *   more likely a renamed or corrupted entry than something to ignore).
 *
 * Versioning: `tsjit.version` is a positive decimal integer. A file whose version is
 * newer than FORMAT_VERSION is refused with UNSUPPORTED_VERSION naming both versions;
 * older versions stay loadable (there are none yet).
 */

/** The value of `__metadata__.format` in a tsjit model file. */
export const FORMAT_NAME = "tsjit";

/** The newest model file format this tsjit reads and the one it writes. */
export const FORMAT_VERSION = 1;

export const METADATA_FORMAT_KEY = "format";
export const METADATA_VERSION_KEY = "tsjit.version";
export const METADATA_PROGRAM_KEY = "tsjit.program";

/** Prefix of the tensor names that hold graph tensor constants. */
export const CONSTANTS_PREFIX = "__constants__/";

/** The module path under which the constants of the program's `functions` table are stored. */
export const FUNCTIONS_CONSTANTS_PATH = "@functions";

/** The file tensor name of constant `name` of graph `graphName` owned by the module at `modulePath` ("" for the root). */
export function constantTensorName(modulePath: string, graphName: string, name: string): string {
  return `${CONSTANTS_PREFIX}${modulePath}/${graphName}/${name}`;
}

/** The file tensor name of parameter or buffer `name` of the module at `modulePath`: its state-dict key. */
export function stateTensorName(modulePath: string, name: string): string {
  return modulePath === "" ? name : `${modulePath}.${name}`;
}
