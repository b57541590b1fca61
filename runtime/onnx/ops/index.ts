/**
 * The op mapping table: registry op kind (Note [Node kinds]) -> its ONNX form. Kinds
 * not in the table fail the export (NodeLowering's failAt); docs/onnx.md lists both
 * sets, and a test keeps that list equal to this table and the registry.
 */
import { ELEMENTWISE_MAPPINGS } from "./elementwise.js";
import { FUSED_POINTWISE_MAPPINGS } from "./fusedPointwise.js";
import { NN_MAPPINGS } from "./nn.js";
import type { OpMapping, OpMappingTable } from "./OpMapping.js";
import { SCALAR_MAPPINGS } from "./scalars.js";
import { SHAPE_MAPPINGS } from "./shape.js";

export type { OpMapping } from "./OpMapping.js";

function merge(tables: readonly OpMappingTable[]): ReadonlyMap<string, OpMapping> {
  const merged = new Map<string, OpMapping>();
  for (const table of tables) {
    for (const [kind, mapping] of Object.entries(table)) {
      if (merged.has(kind)) throw new Error(`ONNX op mapping for ${kind} is defined twice`);
      merged.set(kind, mapping);
    }
  }
  return merged;
}

export const OP_MAPPINGS: ReadonlyMap<string, OpMapping> = merge([ELEMENTWISE_MAPPINGS, SCALAR_MAPPINGS, NN_MAPPINGS, SHAPE_MAPPINGS, FUSED_POINTWISE_MAPPINGS]);
