/**
 * The second process of the seed example: it knows nothing of the models' classes and
 * imports only the runtime. It loads a saved model file and runs it on each input
 * given as JSON, printing one JSON output per line:
 * `node loadAndRun.js model.tsjit '[[0.1, 0.2, ...]]' ['[[...]]' ...]`.
 */
import { load, ScriptModule, tensor, type NestedList, type Tensor } from "tsjit";

const [path, ...inputs] = process.argv.slice(2);
if (!path || inputs.length === 0) {
  console.error("usage: loadAndRun <model.tsjit> <input as a JSON nested array>...");
  process.exit(2);
}
const model = await load(path);
for (const inputJson of inputs) {
  const input = tensor(JSON.parse(inputJson) as NestedList);
  const output = (model instanceof ScriptModule ? model.forward(input) : model.call(input)) as Tensor;
  console.log(JSON.stringify(output.tolist()));
}
