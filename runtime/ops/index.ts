/**
 * Every op family registers itself on import; this module is the one place that
 * imports them all, so the registry is complete once `tsjit` is loaded.
 */
export * from "./creation.js";
export * from "./conversion.js";
export * from "./elementwise.js";
export * from "./unary.js";
export * from "./activations.js";
export * from "./reduction.js";
export * from "./normalization.js";
export * from "./linalg.js";
export * from "./convolution.js";
export * from "./shape.js";
export * from "./indexing.js";
export * from "./fusedPointwise.js";
import "./scalar.js";
import "./scriptOps.js";
export { callOp, resolveCall } from "./dispatch.js";
export { allOps, getOverloads, hasOp, type OpDef, type TensorMeta } from "./registry.js";
export { parseSchema, type AliasAnnotation, type Schema, type SchemaArgument, type SchemaType } from "./schema.js";
