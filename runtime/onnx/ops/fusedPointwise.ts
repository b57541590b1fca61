/**
 * `tsjit::fused_pointwise(Tensor[] inputs, str program)`, made by the
 * fuseElementwiseChains pass: its program (kernels/pointwiseProgram.ts) unfolded back
 * into one ONNX op per statement, each as the unfused aten op maps.
 */
import { TsjitError } from "../../errors.js";
import { parseProgram, type PointwiseProgram, type ProgramOperand, type ProgramStatement } from "../../kernels/pointwiseProgram.js";
import type { LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import { clip, gelu, softplus, unaryOp } from "./elementwise.js";
import type { OpMappingTable } from "./OpMapping.js";
import { broadcastRank, castTo } from "./promotion.js";

const BINARY_ONNX = { add: "Add", sub: "Sub", mul: "Mul", div: "Div", maximum: "Max", minimum: "Min" } as const;

function program(n: NodeLowering, inputCount: number): PointwiseProgram {
  try {
    return parseProgram(n.str(1), inputCount);
  } catch (error) {
    if (error instanceof TsjitError) n.fail(error.message);
    throw error;
  }
}

function inputTensors(n: NodeLowering): LoweredTensor[] {
  const list = n.inputs[0]!;
  if (list.kind !== "list") return n.fail("argument inputs: a list of tensors must be known at export time");
  return list.items.map((item, i) => castTo(n, n.tensorOf(item, `inputs[${i}]`), "float32"));
}

function unaryStatement(n: NodeLowering, statement: Extract<ProgramStatement, { kind: "unary" }>, x: LoweredTensor): LoweredTensor {
  const [p0, p1] = statement.params;
  const same = (opType: string, inputs: readonly LoweredTensor[], attributes = {}) => n.op(opType, inputs, x.dtype, x.rank, attributes);
  switch (statement.op) {
    case "relu": return unaryOp(n, "Relu", x);
    case "neg": return unaryOp(n, "Neg", x);
    case "abs": return unaryOp(n, "Abs", x);
    case "exp": return unaryOp(n, "Exp", x);
    case "log": return unaryOp(n, "Log", x);
    case "sqrt": return unaryOp(n, "Sqrt", x);
    case "rsqrt": return unaryOp(n, "Reciprocal", unaryOp(n, "Sqrt", x));
    case "sin": return unaryOp(n, "Sin", x);
    case "cos": return unaryOp(n, "Cos", x);
    case "tanh": return unaryOp(n, "Tanh", x);
    case "sigmoid": return unaryOp(n, "Sigmoid", x);
    case "erf": return unaryOp(n, "Erf", x);
    case "floor": return unaryOp(n, "Floor", x);
    case "ceil": return unaryOp(n, "Ceil", x);
    case "round": return unaryOp(n, "Round", x);
    case "sign": return unaryOp(n, "Sign", x);
    case "reciprocal": return unaryOp(n, "Reciprocal", x);
    case "log1p": return unaryOp(n, "Log", same("Add", [x, n.scalarLike(1, x)]));
    case "expm1": return same("Sub", [unaryOp(n, "Exp", x), n.scalarLike(1, x)]);
    case "square": return same("Mul", [x, x]);
    case "gelu": return gelu(n, x, "none");
    case "gelu_tanh": return gelu(n, x, "tanh");
    case "silu": return same("Mul", [x, unaryOp(n, "Sigmoid", x)]);
    case "leaky_relu": return same("LeakyRelu", [x], { alpha: { float: p0! } });
    case "elu": return same("Elu", [x], { alpha: { float: p0! } });
    case "softplus": return softplus(n, x, p0!, p1!);
    case "clamp": return clip(n, x, p0, p1);
  }
}

function fusedPointwise(n: NodeLowering): LoweredTensor {
  const inputs = inputTensors(n);
  const results: LoweredTensor[] = [];
  const operand = (o: ProgramOperand, like: LoweredTensor): LoweredTensor => {
    if (o.kind === "number") return n.scalarLike(Math.fround(o.value), like);
    return o.kind === "input" ? inputs[o.index]! : results[o.index]!;
  };
  for (const statement of program(n, inputs.length).statements) {
    if (statement.kind === "unary") {
      results.push(unaryStatement(n, statement, operand(statement.x, inputs[0]!)));
    } else {
      const a = operand(statement.a, inputs[0]!);
      const b = operand(statement.b, a);
      results.push(n.op(BINARY_ONNX[statement.op], [a, b], "float32", broadcastRank(a, b)));
    }
  }
  return results.at(-1)!;
}

export const FUSED_POINTWISE_MAPPINGS: OpMappingTable = {
  "tsjit::fused_pointwise": { onnx: "one op per program statement, as the unfused ops map", lower: fusedPointwise },
};
