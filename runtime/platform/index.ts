/** The platform of the entry being built: Node's here; rollup.config.mjs swaps this module for browser.ts in dist/browser. */
export { platform } from "./node.js";
export type { ByteSource } from "./Platform.js";
