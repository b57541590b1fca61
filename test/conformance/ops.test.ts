/**
 * Every op case PyTorch computed in ../shared/fixtures/ops, run through tsjit.
 * Most cases call the op by its aten name with the fixture's keyword arguments as
 * an options object; the few that PyTorch computed through a lambda are spelled out.
 */
import { describe, it } from "vitest";
import * as tsjit from "../../runtime/index.js";
import { callOp, type Tensor } from "../../runtime/index.js";
import { camelCase } from "../../runtime/ops/schema.js";
import { decodeTensor, decodeValue, expectClose, loadOpCases, OP_FAMILIES, type OpCase } from "../utils/fixtures.js";

type Special = (inputs: any[], kwargs: Record<string, unknown>) => unknown;

const SPECIAL: Record<string, Special> = {
  "mm/transposed_rhs": ([a, b]) => tsjit.mm(a, b.t()),
  "slice/step2": ([a]) => a.slice(1, 1, null, 2),
  "contiguous_after_transpose_add/mixed_strides": ([a, b]) => a.t().add(b),
  "batch_norm/eval": ([x, mean, variance, weight, bias]) => tsjit.batchNorm(x, mean, variance, weight, bias, false),
  "group_norm/g2": ([x, weight, bias]) => tsjit.groupNorm(x, 2, weight, bias),
  "cat/dim1": (inputs) => tsjit.cat(inputs, 1),
  "cat/dim0_3d": (inputs) => tsjit.cat(inputs, 0),
  "stack/dim0": (inputs) => tsjit.stack(inputs, 0),
  "stack/dim_neg1": (inputs) => tsjit.stack(inputs, -1),
  "chunk/3_dim_neg1": ([a]) => tsjit.chunk(a, 3, -1),
  "split/sizes": ([a]) => tsjit.split(a, [1, 3], 1),
  "expand/basic": ([a]) => a.expand(3, 4),
  "repeat/basic": ([a]) => a.repeat(2, 3),
  "arange/end": () => tsjit.arange(5, { dtype: "float32" }),
  "arange/start_end_step": () => tsjit.arange(1.0, 2.0, 0.25),
};

function run(c: OpCase): unknown {
  const inputs = c.inputs.map(decodeValue);
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camelCase(k), decodeValue(v)]));
  const special = SPECIAL[`${c.op}/${c.name}`];
  if (special) return special(inputs, kwargs);
  return callOp(c.op, Object.keys(kwargs).length > 0 ? [...inputs, kwargs] : inputs);
}

for (const family of OP_FAMILIES) {
  describe(`ops conformance: ${family}`, () => {
    for (const c of loadOpCases(family)) {
      it(`${c.op}/${c.name}`, () => {
        const got = run(c);
        const wants = Array.isArray(c.output) ? c.output : [c.output];
        const gots = (Array.isArray(c.output) ? got : [got]) as Tensor[];
        if (!Array.isArray(gots) || gots.length !== wants.length) {
          throw new Error(`${c.op}/${c.name}: expected ${wants.length} outputs, got ${Array.isArray(gots) ? gots.length : typeof gots}`);
        }
        wants.forEach((want, i) => expectClose(gots[i]!, decodeTensor(want), c.atol, c.rtol, `${c.op}/${c.name} output ${i}`));
      });
    }
  });
}
