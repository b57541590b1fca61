/** The node-app without rollup (`node dist/examples/node-app/unbundled.js`): the same report, the model file read with load(). */
import { load, ScriptModule } from "tsjit";
import { report } from "./report.js";

const saved = await load(new URL("../../../examples/node-app/digits.tsjit", import.meta.url));
if (!(saved instanceof ScriptModule)) throw new Error("digits.tsjit holds a function, not a module");
for (const line of report(saved)) console.log(line);
