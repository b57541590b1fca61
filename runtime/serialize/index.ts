/** Self-contained model files: `save` and `load` (DESIGN §5; Note [Model file layout] in format.ts). */
export { save, encodeModelFile } from "./save.js";
export { load, decodeModelFile } from "./load.js";
export { FORMAT_VERSION } from "./format.js";
