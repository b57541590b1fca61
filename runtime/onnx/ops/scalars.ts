/**
 * TorchScript's ops on numbers (runtime/ops/scalar.ts) and the ops that turn tensors
 * into numbers (`size`, `item()` as Float.Tensor, ...). A number computed at run time
 * is a 0-d tensor: int64 for int, float32 for float, bool for bool. Ops whose inputs
 * are all constants were folded by freezing, so at least one input is a tensor here.
 */
import { loweredConstant, type Lowered, type LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import { BoolType, IntType } from "../../ir/types.js";
import type { DType } from "../../tensor/dtype.js";
import type { OpMapping, OpMappingTable } from "./OpMapping.js";
import { broadcastRank, castTo, promoted } from "./promotion.js";

function scalarBinary(onnx: string, resultDType?: DType, attributes: Record<string, { int: number }> = {}): OpMapping {
  return {
    onnx,
    lower: (n) => {
      let [a, b] = promoted(n, n.tensor(0), n.tensor(1));
      if (resultDType === "float32") [a, b] = [castTo(n, a, "float32"), castTo(n, b, "float32")];
      return n.op(onnx, [a, b], resultDType ?? a.dtype, broadcastRank(a, b), attributes);
    },
  };
}

function scalarComparison(onnx: string, negate = false): OpMapping {
  return {
    onnx: negate ? `Not(${onnx})` : onnx,
    lower: (n) => {
      const [a, b] = promoted(n, n.tensor(0), n.tensor(1));
      const result = n.op(onnx, [a, b], "bool", broadcastRank(a, b));
      return negate ? n.op("Not", [result], "bool", result.rank) : result;
    },
  };
}

function scalarUnary(onnx: string): OpMapping {
  return { onnx, lower: (n) => n.op(onnx, [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank) };
}

/** `item()`-style reads: the one element as a 0-d tensor of `dtype`. */
function elementAs(dtype: DType): OpMapping {
  return {
    onnx: dtype === "float32" ? "Reshape to 0-d (Cast when not float)" : `Reshape to 0-d, Cast`,
    lower: (n) => castTo(n, n.op("Reshape", [n.tensor(0), n.int64s([])], n.tensor(0).dtype, 0), dtype),
  };
}

function perType(name: string, types: readonly string[], mapping: OpMapping): Record<string, OpMapping> {
  return Object.fromEntries(types.map((type) => [`aten::${name}.${type}`, mapping]));
}

function sizeOfDim(n: NodeLowering, dim: LoweredTensor): LoweredTensor {
  return n.op("Gather", [n.op("Shape", [n.tensor(0)], "int64", 1), dim], "int64", 0, { axis: { int: 0 } });
}

/** `list[index]` on a list whose length is known at export time. */
function listItem(n: NodeLowering): Lowered {
  const list = n.inputs[0]!;
  if (list.kind !== "list") n.fail("needs a list built in the graph (ListConstruct or a list-returning op)");
  const index = n.int(1);
  const item = list.items[index < 0 ? index + list.items.length : index];
  if (!item) n.fail(`index ${index} is out of range for a list of ${list.items.length}`);
  return item;
}

/** floor/ceil/round of a float give an int. */
function roundedToInt(onnx: string): OpMapping {
  return { onnx: `${onnx}, Cast to int64`, lower: (n) => castTo(n, n.op(onnx, [castTo(n, n.tensor(0), "float32")], "float32", 0), "int64") };
}

const NUMBER_TYPES = ["int", "float"] as const;
const OPTIONAL_TYPES = ["Tensor", "int", "float", "bool", "str"] as const;

export const SCALAR_MAPPINGS: OpMappingTable = {
  ...perType("add", NUMBER_TYPES, scalarBinary("Add")),
  ...perType("sub", NUMBER_TYPES, scalarBinary("Sub")),
  ...perType("mul", NUMBER_TYPES, scalarBinary("Mul")),
  ...perType("div", NUMBER_TYPES, scalarBinary("Div", "float32")),
  ...perType("max", NUMBER_TYPES, scalarBinary("Max")),
  ...perType("min", NUMBER_TYPES, scalarBinary("Min")),
  "aten::remainder.int": scalarBinary("Mod"),
  "aten::fmod.int": scalarBinary("Mod", undefined, { fmod: { int: 1 } }),
  "aten::floordiv.int": {
    onnx: "Floor(Div) on float, Cast to int64",
    lower: (n) => {
      const [a, b] = [castTo(n, n.tensor(0), "float32"), castTo(n, n.tensor(1), "float32")];
      return castTo(n, n.op("Floor", [n.op("Div", [a, b], "float32", 0)], "float32", 0), "int64");
    },
  },
  ...perType("eq", [...NUMBER_TYPES, "bool"], scalarComparison("Equal")),
  ...perType("ne", [...NUMBER_TYPES, "bool"], scalarComparison("Equal", true)),
  ...perType("lt", NUMBER_TYPES, scalarComparison("Less")),
  ...perType("le", NUMBER_TYPES, scalarComparison("LessOrEqual")),
  ...perType("gt", NUMBER_TYPES, scalarComparison("Greater")),
  ...perType("ge", NUMBER_TYPES, scalarComparison("GreaterOrEqual")),
  ...perType("neg", NUMBER_TYPES, scalarUnary("Neg")),
  ...perType("abs", NUMBER_TYPES, scalarUnary("Abs")),
  ...Object.fromEntries((["exp", "log", "sqrt", "sin", "cos", "tanh", "sign"] as const).map((name) => [`aten::${name}.float`, scalarUnary(name[0]!.toUpperCase() + name.slice(1))])),
  "aten::pow.float": scalarBinary("Pow"),
  "aten::fmod.float": scalarBinary("Mod", undefined, { fmod: { int: 1 } }),
  "aten::floor.float": roundedToInt("Floor"),
  "aten::ceil.float": roundedToInt("Ceil"),
  // JavaScript's Math.round (what @script code means by it): halves go up, where ONNX's Round goes to even.
  "aten::round.float": {
    onnx: "Floor(x + 0.5), Cast to int64",
    lower: (n) => {
      const x = castTo(n, n.tensor(0), "float32");
      return castTo(n, n.op("Floor", [n.op("Add", [x, n.scalarLike(0.5, x)], "float32", 0)], "float32", 0), "int64");
    },
  },
  "aten::trunc.float": { onnx: "Cast to int64 (truncates)", lower: (n) => castTo(n, n.tensor(0), "int64") },
  "aten::__not__": scalarUnary("Not"),
  "aten::__and__.bool": scalarBinary("And"),
  "aten::__or__.bool": scalarBinary("Or"),
  "aten::Float.Tensor": elementAs("float32"),
  "aten::Int.Tensor": elementAs("int64"),
  "aten::Bool.Tensor": elementAs("bool"),
  // tsjit's Int.float checks that the number is integral; the export keeps the conversion, not the check.
  "aten::Int.float": { onnx: "Cast to int64", lower: (n) => castTo(n, n.tensor(0), "int64") },
  "aten::size.int": { onnx: "Shape, Gather", lower: (n) => sizeOfDim(n, n.tensor(1)) },
  "aten::len.Tensor": { onnx: "Shape, Gather", lower: (n) => sizeOfDim(n, n.int64s([0])) },
  "aten::size": { onnx: "Shape", lower: (n) => n.op("Shape", [n.tensor(0)], "int64", 1) },
  "aten::numel": { onnx: "Size", lower: (n) => n.op("Size", [n.tensor(0)], "int64", 0) },
  "aten::dim": {
    onnx: "a constant (Size(Shape) when the rank is unknown)",
    lower: (n) => {
      const rank = n.tensor(0).rank;
      return rank === undefined ? n.op("Size", [n.op("Shape", [n.tensor(0)], "int64", 1)], "int64", 0) : loweredConstant(rank, IntType);
    },
  },
  ...perType("__getitem__", ["t", "int", "float", "bool", "str"], { onnx: "(the list's item; the index must be known at export time)", lower: listItem }),
  ...perType("is_none", OPTIONAL_TYPES, {
    onnx: "a constant (a value computed at run time is never None)",
    lower: (n) => loweredConstant(n.isNone(0), BoolType),
  }),
  ...perType("unwrap_optional", OPTIONAL_TYPES, {
    onnx: "(the value itself)",
    lower: (n) => (n.isNone(0) ? n.fail("unwraps None") : n.inputs[0]!),
  }),
  ...perType("len", ["t", "int", "float", "bool", "str"], {
    onnx: "a constant",
    lower: (n) => {
      const list = n.inputs[0]!;
      return list.kind === "list" ? loweredConstant(list.items.length, IntType) : n.fail("needs a list built in the graph");
    },
  }),
};
