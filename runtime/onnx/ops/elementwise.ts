/** Elementwise ops: arithmetic and comparisons (Tensor and Scalar overloads), unary math, activations. */
import type { LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import type { OpMapping, OpMappingTable } from "./OpMapping.js";
import { broadcastRank, castTo, promoted, withScalar } from "./promotion.js";

/** The first two arguments as same-dtype tensors; a constant Scalar takes the tensor's dtype. */
function operands(n: NodeLowering): [LoweredTensor, LoweredTensor] {
  const self = n.tensor(0);
  const other = n.constant(1);
  return typeof other === "number" ? withScalar(n, self, other) : promoted(n, self, n.tensor(1));
}

/** `self op (alpha * other)`: add and sub with their `alpha` keyword. */
function withAlpha(onnx: "Add" | "Sub"): OpMapping {
  return {
    onnx: `${onnx} (Mul by alpha when alpha != 1)`,
    lower: (n) => {
      const [self, other] = operands(n);
      const alpha = n.float(2);
      const scaled = alpha === 1 ? other : n.op("Mul", [other, n.scalarLike(alpha, other)], other.dtype, other.rank);
      return n.op(onnx, [self, scaled], self.dtype, broadcastRank(self, scaled));
    },
  };
}

function binary(onnx: string): OpMapping {
  return {
    onnx,
    lower: (n) => {
      const [self, other] = operands(n);
      return n.op(onnx, [self, other], self.dtype, broadcastRank(self, other));
    },
  };
}

function division(): OpMapping {
  return {
    onnx: "Div (float operands)",
    lower: (n) => {
      if (!n.isNone(2)) n.fail(`with rounding_mode=${JSON.stringify(n.constant(2))} has no mapping (only true division)`);
      const [self, other] = operands(n);
      const [a, b] = [castTo(n, self, "float32"), castTo(n, other, "float32")];
      return n.op("Div", [a, b], "float32", broadcastRank(a, b));
    },
  };
}

function comparison(onnx: string, negate = false): OpMapping {
  return {
    onnx: negate ? `Not(${onnx})` : onnx,
    lower: (n) => {
      const [self, other] = operands(n);
      const result = n.op(onnx, [self, other], "bool", broadcastRank(self, other));
      return negate ? n.op("Not", [result], "bool", result.rank) : result;
    },
  };
}

function logical(onnx: string): OpMapping {
  return {
    onnx,
    lower: (n) => {
      const [a, b] = [castTo(n, n.tensor(0), "bool"), castTo(n, n.tensor(1), "bool")];
      return n.op(onnx, [a, b], "bool", broadcastRank(a, b));
    },
  };
}

function unary(onnx: string): OpMapping {
  return { onnx, lower: (n) => unaryOp(n, onnx, n.tensor(0)) };
}

export function unaryOp(n: NodeLowering, onnx: string, x: LoweredTensor): LoweredTensor {
  return n.op(onnx, [x], x.dtype, x.rank);
}

/** Ops of the Tensor and Scalar overloads of one binary op. */
function bothOverloads(name: string, mapping: OpMapping): Record<string, OpMapping> {
  return { [`aten::${name}.Tensor`]: mapping, [`aten::${name}.Scalar`]: mapping };
}

function where(): OpMapping {
  return {
    onnx: "Where",
    lower: (n) => {
      const condition = castTo(n, n.tensor(0), "bool");
      const selfConstant = n.constant(1);
      const otherConstant = n.constant(2);
      let self: LoweredTensor;
      let other: LoweredTensor;
      if (typeof selfConstant === "number") [other, self] = withScalar(n, n.tensor(2), selfConstant);
      else if (typeof otherConstant === "number") [self, other] = withScalar(n, n.tensor(1), otherConstant);
      else [self, other] = promoted(n, n.tensor(1), n.tensor(2));
      return n.op("Where", [condition, self, other], self.dtype, broadcastRank(condition, self, other));
    },
  };
}

/** gelu(x) = x/2 (1 + erf(x/√2)), or with approximate="tanh": x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))); ONNX has Gelu only from opset 20. */
export function gelu(n: NodeLowering, x: LoweredTensor, approximate: string): LoweredTensor {
  const mul = (a: LoweredTensor, b: LoweredTensor) => n.op("Mul", [a, b], x.dtype, x.rank);
  const add = (a: LoweredTensor, b: LoweredTensor) => n.op("Add", [a, b], x.dtype, x.rank);
  let inner: LoweredTensor;
  if (approximate === "none") inner = unaryOp(n, "Erf", mul(x, n.scalarLike(Math.SQRT1_2, x)));
  else if (approximate === "tanh") {
    const cube = mul(mul(x, x), x);
    inner = unaryOp(n, "Tanh", mul(add(x, mul(cube, n.scalarLike(0.044715, x))), n.scalarLike(Math.sqrt(2 / Math.PI), x)));
  } else n.fail(`with approximate=${JSON.stringify(approximate)} has no mapping`);
  return mul(mul(x, n.scalarLike(0.5, x)), add(inner, n.scalarLike(1, x)));
}

/** The activations of tsjit's fused ops (EPILOGUE_ACTIVATIONS) applied to `x`. */
export function activation(n: NodeLowering, name: string, x: LoweredTensor): LoweredTensor {
  switch (name) {
    case "relu":
      return unaryOp(n, "Relu", x);
    case "tanh":
      return unaryOp(n, "Tanh", x);
    case "sigmoid":
      return unaryOp(n, "Sigmoid", x);
    case "silu":
      return n.op("Mul", [x, unaryOp(n, "Sigmoid", x)], x.dtype, x.rank);
    case "gelu":
      return gelu(n, x, "none");
    case "gelu_tanh":
      return gelu(n, x, "tanh");
    default:
      return n.fail(`with activation ${JSON.stringify(name)} has no mapping`);
  }
}

/** softplus(x) = log(1 + exp(βx))/β, and x itself where βx > threshold. */
export function softplus(n: NodeLowering, x: LoweredTensor, beta: number, threshold: number): LoweredTensor {
  const scaled = beta === 1 ? x : n.op("Mul", [x, n.scalarLike(beta, x)], x.dtype, x.rank);
  let soft = unaryOp(n, "Softplus", scaled);
  if (beta !== 1) soft = n.op("Div", [soft, n.scalarLike(beta, x)], x.dtype, x.rank);
  const linear = n.op("Greater", [scaled, n.scalarLike(threshold, x)], "bool", x.rank);
  return n.op("Where", [linear, x, soft], x.dtype, x.rank);
}

/** Clip with optional bounds: an omitted bound is the empty input name. */
export function clip(n: NodeLowering, x: LoweredTensor, min: number | undefined, max: number | undefined): LoweredTensor {
  const bound = (value: number | undefined) => (value === undefined ? "" : n.scalarLike(value, x).name);
  return n.op("Clip", [x, bound(min), bound(max)], x.dtype, x.rank);
}

/** PyTorch's remainder takes the divisor's sign: Mod for integers, a - floor(a / b) * b for floats (ONNX's float Mod is fmod). */
function remainder(): OpMapping {
  return {
    onnx: "Mod (integers); Sub, Mul, Floor, Div (floats)",
    lower: (n) => {
      const [a, b] = operands(n);
      const rank = broadcastRank(a, b);
      if (a.dtype !== "float32") return n.op("Mod", [a, b], a.dtype, rank);
      const quotient = n.op("Floor", [n.op("Div", [a, b], a.dtype, rank)], a.dtype, rank);
      return n.op("Sub", [a, n.op("Mul", [quotient, b], a.dtype, rank)], a.dtype, rank);
    },
  };
}

/** where(condition, scalar, scalar): int64 when both are integers, else float32, as PyTorch. */
function whereScalars(n: NodeLowering): LoweredTensor {
  const [self, other] = [n.float(1), n.float(2)];
  const dtype = Number.isInteger(self) && Number.isInteger(other) ? "int64" : "float32";
  const condition = castTo(n, n.tensor(0), "bool");
  return n.op("Where", [condition, n.builder.scalar(self, dtype), n.builder.scalar(other, dtype)], dtype, condition.rank);
}

export const ELEMENTWISE_MAPPINGS: OpMappingTable = {
  "aten::add.Tensor": withAlpha("Add"),
  "aten::add.Scalar": withAlpha("Add"),
  "aten::sub.Tensor": withAlpha("Sub"),
  "aten::sub.Scalar": withAlpha("Sub"),
  ...bothOverloads("mul", binary("Mul")),
  ...bothOverloads("div", division()),
  ...bothOverloads("pow", binary("Pow")),
  "aten::pow.Scalar_Tensor": {
    onnx: "Pow",
    lower: (n) => {
      const [exponent, base] = withScalar(n, n.tensor(1), n.float(0));
      return n.op("Pow", [base, exponent], exponent.dtype, exponent.rank);
    },
  },
  "aten::maximum.Tensor": binary("Max"),
  "aten::minimum.Tensor": binary("Min"),
  "aten::max.other": binary("Max"),
  "aten::min.other": binary("Min"),
  ...bothOverloads("eq", comparison("Equal")),
  ...bothOverloads("ne", comparison("Equal", true)),
  ...bothOverloads("lt", comparison("Less")),
  ...bothOverloads("le", comparison("LessOrEqual")),
  ...bothOverloads("gt", comparison("Greater")),
  ...bothOverloads("ge", comparison("GreaterOrEqual")),
  "aten::logical_and.Tensor": logical("And"),
  "aten::logical_or.Tensor": logical("Or"),
  "aten::logical_not": { onnx: "Not", lower: (n) => n.op("Not", [castTo(n, n.tensor(0), "bool")], "bool", n.tensor(0).rank) },
  "aten::where.self": where(),
  "aten::where.ScalarOther": where(),
  "aten::where.ScalarSelf": where(),
  "aten::where.Scalar": { onnx: "Where", lower: whereScalars },
  ...bothOverloads("remainder", remainder()),
  "aten::exp": unary("Exp"),
  "aten::log": unary("Log"),
  "aten::sqrt": unary("Sqrt"),
  "aten::rsqrt": { onnx: "Reciprocal(Sqrt)", lower: (n) => unaryOp(n, "Reciprocal", unaryOp(n, "Sqrt", n.tensor(0))) },
  "aten::sin": unary("Sin"),
  "aten::cos": unary("Cos"),
  "aten::tanh": unary("Tanh"),
  "aten::sigmoid": unary("Sigmoid"),
  "aten::erf": unary("Erf"),
  "aten::reciprocal": unary("Reciprocal"),
  "aten::abs": unary("Abs"),
  "aten::floor": unary("Floor"),
  "aten::ceil": unary("Ceil"),
  "aten::round": unary("Round"),
  "aten::sign": unary("Sign"),
  "aten::neg": unary("Neg"),
  "aten::square": { onnx: "Mul(x, x)", lower: (n) => n.op("Mul", [n.tensor(0), n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank) },
  "aten::log1p": { onnx: "Log(Add(x, 1))", lower: (n) => unaryOp(n, "Log", n.op("Add", [n.tensor(0), n.scalarLike(1, n.tensor(0))], n.tensor(0).dtype, n.tensor(0).rank)) },
  "aten::expm1": { onnx: "Sub(Exp(x), 1)", lower: (n) => n.op("Sub", [unaryOp(n, "Exp", n.tensor(0)), n.scalarLike(1, n.tensor(0))], n.tensor(0).dtype, n.tensor(0).rank) },
  "aten::relu": unary("Relu"),
  "aten::silu": { onnx: "Mul(x, Sigmoid(x))", lower: (n) => n.op("Mul", [n.tensor(0), unaryOp(n, "Sigmoid", n.tensor(0))], n.tensor(0).dtype, n.tensor(0).rank) },
  "aten::gelu": { onnx: "Erf (or Tanh) with Mul and Add", lower: (n) => gelu(n, n.tensor(0), n.str(1)) },
  "aten::softplus": { onnx: "Softplus, Where above the threshold", lower: (n) => softplus(n, n.tensor(0), n.float(1), n.float(2)) },
  "aten::elu": { onnx: "Elu", lower: (n) => n.op("Elu", [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank, { alpha: { float: n.float(1) } }) },
  "aten::leaky_relu": { onnx: "LeakyRelu", lower: (n) => n.op("LeakyRelu", [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank, { alpha: { float: n.float(1) } }) },
  "aten::hardtanh": { onnx: "Clip", lower: (n) => clip(n, n.tensor(0), n.float(1), n.float(2)) },
  "aten::clamp": { onnx: "Clip", lower: (n) => clip(n, n.tensor(0), n.isNone(1) ? undefined : n.float(1), n.isNone(2) ? undefined : n.float(2)) },
  "aten::dropout": {
    onnx: "Identity (inference: training=false)",
    lower: (n) => (n.bool(2) ? n.fail("with training=true has no inference mapping (call .eval() before exporting)") : n.op("Identity", [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank)),
  },
};
