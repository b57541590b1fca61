/** The graph IR: data structures, types, text form, verifier and JSON codec. */
export { Block, Graph, Node, Value, type AttributeValue, type SourceRange, type TensorConstantRef, type Use } from "./Graph.js";
export * from "./types.js";
export { isOpKind, nodeKindOf, opOfKind } from "./opKinds.js";
export { collectBlockValues, formatAttributeValue, formatNodeLine, printGraph, ValueNamer } from "./printer.js";
export { isKnownKind, parseGraph, parseTypeText, PRIM_KINDS } from "./parser.js";
export { acceptsArgument, verifyGraph } from "./verifier.js";
export { GRAPH_JSON_VERSION, graphFromJSON, graphToJSON, type AttributeJSON, type BlockJSON, type GraphJSON, type NodeJSON, type SourceJSON, type ValueJSON } from "./json.js";
