/**
 * Random pointwise chains for the fused_pointwise tests: a program over broadcast
 * inputs in assorted layouts, and the same chain run op by op (the unfused graph).
 */
import fc from "fast-check";
import { callOp, type Tensor } from "../../runtime/index.js";
import { formatProgram, PROGRAM_UNARY_OPS, type ProgramOperand, type ProgramStatement, type ProgramUnaryOp } from "../../runtime/kernels/pointwiseProgram.js";
import { randomTensor, type Layout } from "./linalgReference.js";

/** Ops whose native vector form gives exactly what the unfused native op gives at any position in a row. */
export const EXACT_OPS = new Set(["add", "sub", "mul", "div", "maximum", "minimum", "relu", "neg", "abs", "sqrt", "floor", "ceil", "round", "sign", "square", "reciprocal", "clamp"]);
/** Inexact ops that are smooth, so a chain of them stays within a relative tolerance of the unfused one. */
const SMOOTH_OPS: ProgramUnaryOp[] = ["tanh", "sigmoid", "gelu", "gelu_tanh", "silu", "exp", "erf", "sin", "cos", "elu", "softplus", "leaky_relu"];
const ALL_UNARY = Object.keys(PROGRAM_UNARY_OPS) as ProgramUnaryOp[];

export interface Chain {
  readonly program: string;
  readonly statements: readonly ProgramStatement[];
  readonly inputs: readonly { shape: number[]; layout: Layout; seed: number }[];
}

const PARAMS: Record<string, fc.Arbitrary<number[]>> = {
  leaky_relu: fc.tuple(fc.constantFrom(0.01, 0.2, -0.5)),
  elu: fc.tuple(fc.constantFrom(1, 0.5)),
  softplus: fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(20, 1)),
  clamp: fc.constantFrom([-0.5, 0.5], [-Infinity, 0.25], [0, Infinity]),
};

/** Chains of `unaryOps` and the binary ops; every input read, inputs broadcasting to one shape. */
export function chainArbitrary(kind: "any" | "exact" | "smooth", maxElements = 4000): fc.Arbitrary<Chain> {
  const unaryOps: ProgramUnaryOp[] = kind === "any" ? ALL_UNARY : kind === "exact" ? ALL_UNARY.filter((op) => EXACT_OPS.has(op)) : [...SMOOTH_OPS, "relu", "neg", "abs", "clamp"];
  const binaryOps = kind === "smooth" ? (["add", "sub", "mul", "maximum", "minimum"] as const) : (["add", "sub", "mul", "div", "maximum", "minimum"] as const);
  const outShape = fc.array(fc.constantFrom<number>(1, 2, 3, 5, 8, 13, 70, 300), { minLength: 0, maxLength: 4 }).filter((s) => s.reduce((a, b) => a * b, 1) <= maxElements);
  return outShape.chain((shape) =>
    fc.record({
      inputs: fc.array(
        fc.record({
          // Each input: a suffix of the shape with some dims broadcast (1).
          drop: fc.integer({ min: 0, max: shape.length }),
          ones: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
          layout: fc.constantFrom<Layout>("contiguous", "transposed", "strided"),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      steps: fc.array(
        fc.record({
          unary: fc.boolean(),
          unaryOp: fc.constantFrom(...unaryOps),
          binaryOp: fc.constantFrom(...binaryOps),
          a: fc.nat(),
          b: fc.oneof(fc.nat(), fc.constantFrom(0.5, -2, 3.25, 1e-3)),
          params: fc.constantFrom(...Object.keys(PARAMS)).chain((k) => PARAMS[k]!),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    }).map(({ inputs, steps }) => {
      const inputShapes = inputs.map((input, i) => ({
        shape: i === 0 ? shape : shape.slice(input.drop).map((d, j) => (input.ones[j] ? 1 : d)),
        layout: input.layout,
        seed: input.seed,
      }));
      const statements: ProgramStatement[] = [];
      const tensorOperand = (pick: number): ProgramOperand => {
        const choices = inputShapes.length + statements.length;
        const k = pick % choices;
        return k < inputShapes.length ? { kind: "input", index: k } : { kind: "temp", index: k - inputShapes.length };
      };
      for (const step of steps) {
        if (step.unary) {
          const op = step.unaryOp;
          const params = PROGRAM_UNARY_OPS[op] === 0 ? [] : op === "clamp" ? clampParams(step.params) : fitParams(op, step.params);
          statements.push({ kind: "unary", op, x: tensorOperand(step.a), params });
        } else {
          const numberAllowed = ["add", "sub", "mul", "div"].includes(step.binaryOp);
          const b: ProgramOperand = !numberAllowed || (Number.isInteger(step.b) && step.b >= 0) ? tensorOperand(Math.trunc(Math.abs(step.b))) : { kind: "number", value: step.b };
          statements.push({ kind: "binary", op: step.binaryOp, a: tensorOperand(step.a), b });
        }
      }
      // Every input and every result reaches the last statement: the others are added in at the end.
      const operands = statements.flatMap((s) => (s.kind === "binary" ? [s.a, s.b] : [s.x]));
      const unread = [
        ...inputShapes.map((_, index) => ({ kind: "input" as const, index })),
        ...statements.slice(0, -1).map((_, index) => ({ kind: "temp" as const, index })),
      ].filter((v) => !operands.some((o) => o.kind === v.kind && o.index === v.index));
      for (const value of unread) statements.push({ kind: "binary", op: "add", a: { kind: "temp", index: statements.length - 1 }, b: value });
      return { program: formatProgram(statements), statements, inputs: inputShapes };
    }),
  );
}

function clampParams(params: number[]): number[] {
  return params.length === 2 && params[0]! <= params[1]! ? params : [-0.5, 0.5];
}

function fitParams(op: ProgramUnaryOp, params: number[]): number[] {
  const count = PROGRAM_UNARY_OPS[op];
  if (params.length === count && !(op === "softplus" && params[0] === 0)) return params;
  return op === "softplus" ? [1, 20] : [0.1];
}

export function chainInputs(chain: Chain): Tensor[] {
  return chain.inputs.map((input) => randomTensor(input.shape, input.seed, input.layout).mul(3));
}

/** The chain run as the unfused graph would run it: one op per statement. */
export function runUnfused(chain: Chain, inputs: readonly Tensor[]): Tensor {
  const results: Tensor[] = [];
  const value = (o: ProgramOperand) => (o.kind === "number" ? o.value : o.kind === "input" ? inputs[o.index]! : results[o.index]!);
  for (const s of chain.statements) {
    if (s.kind === "binary") {
      results.push(callOp(s.op, [value(s.a), value(s.b)]) as Tensor);
      continue;
    }
    const x = value(s.x);
    const [p0, p1] = s.params;
    if (s.op === "gelu" || s.op === "gelu_tanh") results.push(callOp("gelu", [x, { approximate: s.op === "gelu" ? "none" : "tanh" }]) as Tensor);
    else if (s.op === "clamp") results.push(callOp("clamp", [x, p0 === -Infinity ? null : p0, p1 === Infinity ? null : p1]) as Tensor);
    else results.push(callOp(s.op, [x, ...s.params]) as Tensor);
  }
  return results[results.length - 1]!;
}
