/**
 * tsjit::fused_pointwise, a chain of pointwise ops as one node (made by the
 * fuseElementwiseChains pass): `program` (kernels/pointwiseProgram.ts) says what is
 * computed from the inputs, which broadcast together as PyTorch's operands do.
 *
 * Float32 inputs run the backend's `pointwise` kernel: one pass, no intermediate
 * tensors. The IR carries no dtypes, so the pass cannot know that a chain computes in
 * float32; when an input is of another dtype, each statement runs as the op it came
 * from (`add.Tensor`, `relu`, ...), through the registry, with the promotion, checks
 * and errors the unfused graph would give.
 */
import { parseProgram, type PointwiseProgram, type ProgramOperand, type ProgramStatement } from "../kernels/pointwiseProgram.js";
import { broadcastShapes, broadcastStrides, sameShape, type Shape } from "../tensor/shape.js";
import { scalarTensor, stridedView, viewOf, type StridedView, type Tensor } from "../tensor/Tensor.js";
import { resolveCall, runOp } from "./dispatch.js";
import { defineOp, type TensorMeta } from "./registry.js";

const OP = "fused_pointwise";

type Args = [inputs: Tensor[], program: string];

defineOp<Args>({
  schema: "tsjit::fused_pointwise(Tensor[] inputs, str program) -> Tensor",
  kind: "kernel",
  infer: ([inputs, text]) => {
    const program = parseProgram(text, inputs.length);
    if (allFloat32(inputs)) return [{ shape: broadcastShapes(OP, ...inputs.map((x) => x.shape)), dtype: "float32" }];
    return [unfusedMeta(program, inputs)];
  },
  run: ([inputs, text], [out], backend) => {
    const program = parseProgram(text, inputs.length);
    if (!allFloat32(inputs)) {
      backend.copy(runUnfused(program, inputs, (op, args) => runOp(op, args) as Tensor), out!);
      return;
    }
    const shape = out!.shape;
    backend.pointwise(program, inputs.map((x) => operandView(x, shape)), out!);
  },
});

/** `x` read with the output's shape: itself when it has that shape, else a broadcast layout (the kernel only reads it). */
function operandView(x: Tensor, shape: Shape): StridedView {
  if (sameShape(x.shape, shape)) return x;
  return stridedView(x, shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
}

function allFloat32(inputs: readonly Tensor[]): boolean {
  return inputs.every((x) => x.dtype === "float32");
}

/**
 * The shape and dtype the unfused ops give, from their `infer` on one-element stand-ins
 * broadcast to each value's shape (infer reads shapes and dtypes, not values).
 */
function unfusedMeta(program: PointwiseProgram, inputs: readonly Tensor[]): TensorMeta {
  const standIn = (meta: TensorMeta) => viewOf(scalarTensor(0, meta.dtype), meta.shape, meta.shape.map(() => 0), 0);
  const result = runUnfused(program, inputs.map(standIn), (op, args) => {
    if (op.kind !== "kernel") return runOp(op, args) as Tensor;
    return standIn(op.infer(args)[0]!);
  });
  return { shape: result.shape, dtype: result.dtype };
}

type RunStatement = (op: Parameters<typeof runOp>[0], args: unknown[]) => Tensor;

/** Evaluates the program statement by statement as the ops it came from. */
function runUnfused(program: PointwiseProgram, inputs: readonly Tensor[], run: RunStatement): Tensor {
  const results: Tensor[] = [];
  const value = (operand: ProgramOperand): Tensor | number => {
    if (operand.kind === "number") return operand.value;
    return operand.kind === "input" ? inputs[operand.index]! : results[operand.index]!;
  };
  for (const statement of program.statements) {
    const [name, args] = unfusedCall(statement, value);
    const call = resolveCall(name, args);
    results.push(run(call.op, call.args));
  }
  return results[results.length - 1]!;
}

/** The op name and the arguments the statement's op is called with. */
function unfusedCall(statement: ProgramStatement, value: (operand: ProgramOperand) => Tensor | number): [string, unknown[]] {
  if (statement.kind === "binary") return [statement.op, [value(statement.a), value(statement.b)]];
  const x = value(statement.x);
  const [p0, p1] = statement.params;
  switch (statement.op) {
    case "gelu":
      return ["gelu", [x, { approximate: "none" }]];
    case "gelu_tanh":
      return ["gelu", [x, { approximate: "tanh" }]];
    case "clamp":
      return ["clamp", [x, p0 === -Infinity ? null : p0, p1 === Infinity ? null : p1]];
    default:
      return [statement.op, [x, ...statement.params]];
  }
}

/** fused_pointwise(inputs, program): for tests and for code that builds fused nodes by hand. */
export function fusedPointwise(inputs: readonly Tensor[], program: string): Tensor {
  const op = resolveCall(OP, [inputs, program]);
  return runOp(op.op, op.args) as Tensor;
}
