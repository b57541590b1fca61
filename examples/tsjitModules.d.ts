// `import model from "./x.tsjit"` in the examples (built by tsjit/rollup). A project
// that installs tsjit writes `"types": ["tsjit/rollup/modules"]` instead.
/// <reference path="../transformer/rollup/modules.d.ts" />
