/**
 * The node-app's bundle entry (rollup.config.mjs beside this file): the model file is
 * imported, so tsjit/rollup puts it in the bundle (as an asset: it is 2.6 MB) and the
 * import's value is the loaded ScriptModule.
 */
import saved from "./digits.tsjit";
import { report } from "./report.js";

for (const line of report(saved)) console.log(line);
