// Types for `import model from "./file.tsjit"` (tsjit/rollup builds these modules): add
// `"types": ["tsjit/rollup/modules"]` to compilerOptions, or reference this file.
declare module "*.tsjit" {
  const model: import("tsjit").ScriptModule;
  export default model;
}
