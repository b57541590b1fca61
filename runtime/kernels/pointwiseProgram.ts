/**
 * The expression language of `tsjit::fused_pointwise` (made by the fuseElementwiseChains
 * pass): a chain of float32 pointwise ops over broadcast inputs, evaluated per element.
 *
 *   program   := statement (";" statement)*
 *   statement := "t" N "=" op "(" operand ("," operand)* ")"
 *   operand   := "x" N | "t" N | number
 *
 * `xN` is the op's N-th input tensor, `tN` the N-th statement's result; statements are
 * numbered t0, t1, ... in order and may read only inputs and earlier results; every
 * input and every result but the last is read. The last statement's result is the op's
 * result, of the broadcast shape of all inputs. A number is a JS number literal, `inf`, `-inf`
 * or `nan`. Whitespace is free. Example, `gelu(x0 * x1 + x2) * 0.5`:
 *
 *   t0 = mul(x0, x1); t1 = add(t0, x2); t2 = gelu(t1); t3 = mul(t2, 0.5)
 *
 * Each statement is the elementwise kernel of the same name (kernels/elementwise.ts) and
 * its result is rounded to float32, exactly as the unfused op writes it into a float32
 * tensor: a number, allowed as the second operand of add, sub, mul and div, is rounded to float32 first (as a scalar
 * operand of `aten::add.Scalar` is), the parameters of leaky_relu, elu, softplus and
 * clamp are passed to the kernel as they are.
 */
import { fail } from "../errors.js";
import type { BinaryKernelOp, UnaryKernelOp } from "./elementwise.js";

/** Binary statements: two operands, the first a tensor (an input or a result). */
export const PROGRAM_BINARY_OPS = ["add", "sub", "mul", "div", "maximum", "minimum"] as const satisfies readonly BinaryKernelOp[];

/** The binary ops whose second operand may be a number, as their `.Scalar` overloads allow. */
const SCALAR_OPERAND_OPS: ReadonlySet<string> = new Set(["add", "sub", "mul", "div"]);

/** Unary statements and how many number parameters follow their tensor operand. */
export const PROGRAM_UNARY_OPS = {
  relu: 0, neg: 0, abs: 0, exp: 0, log: 0, sqrt: 0, rsqrt: 0, sin: 0, cos: 0, tanh: 0, sigmoid: 0, erf: 0, floor: 0,
  ceil: 0, round: 0, sign: 0, reciprocal: 0, log1p: 0, expm1: 0, square: 0, gelu: 0, gelu_tanh: 0, silu: 0,
  leaky_relu: 1, elu: 1, softplus: 2, clamp: 2,
} as const satisfies Partial<Record<UnaryKernelOp, number>>;

export type ProgramUnaryOp = keyof typeof PROGRAM_UNARY_OPS;
export type ProgramBinaryOp = (typeof PROGRAM_BINARY_OPS)[number];

export type ProgramOperand = { readonly kind: "input" | "temp"; readonly index: number } | { readonly kind: "number"; readonly value: number };

export type ProgramStatement =
  | { readonly kind: "binary"; readonly op: ProgramBinaryOp; readonly a: ProgramOperand; readonly b: ProgramOperand }
  | { readonly kind: "unary"; readonly op: ProgramUnaryOp; readonly x: ProgramOperand; readonly params: readonly number[] };

export interface PointwiseProgram {
  readonly text: string;
  /** How many inputs the program reads: x0 .. x(inputCount - 1), each at least once. */
  readonly inputCount: number;
  readonly statements: readonly ProgramStatement[];
}

const OP = "fused_pointwise";

/** The statement as program text (the inverse of parsing one statement). */
export function formatStatement(index: number, statement: ProgramStatement): string {
  const args = statement.kind === "binary" ? [statement.a, statement.b].map(formatOperand) : [formatOperand(statement.x), ...statement.params.map(formatNumber)];
  return `t${index} = ${statement.op}(${args.join(", ")})`;
}

export function formatProgram(statements: readonly ProgramStatement[]): string {
  return statements.map((s, i) => formatStatement(i, s)).join("; ");
}

function formatOperand(operand: ProgramOperand): string {
  return operand.kind === "number" ? formatNumber(operand.value) : `${operand.kind === "input" ? "x" : "t"}${operand.index}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return Object.is(value, -0) ? "-0" : String(value);
}

const parsed = new Map<string, PointwiseProgram>();
/** Distinct programs kept parsed; a graph has a handful, so this is only a bound. */
const PARSED_LIMIT = 256;

/**
 * Parses and validates `text` for a call with `inputCount` inputs. Errors are TsjitErrors
 * (INVALID_ARGUMENT) naming the op and the character position of the problem.
 */
export function parseProgram(text: string, inputCount: number): PointwiseProgram {
  const cached = parsed.get(text);
  if (cached) {
    if (cached.inputCount !== inputCount) failInputs(cached.inputCount, inputCount);
    return cached;
  }
  const program = new ProgramParser(text).parse();
  if (program.inputCount !== inputCount) failInputs(program.inputCount, inputCount);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(text, program);
  return program;
}

function failInputs(read: number, given: number): never {
  fail("INVALID_ARGUMENT", `${OP}(): the program reads ${read} input${read === 1 ? "" : "s"} (x0..x${read - 1}), but ${given} were given`);
}

const TOKEN = /\s*(?:(?<ref>[xt]\d+)|(?<number>[-+]?(?:inf|nan|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?))|(?<name>[a-z_][a-z0-9_]*)|(?<punct>[=(),;]))/iy;

interface Token {
  readonly text: string;
  readonly kind: "ref" | "name" | "number" | "punct" | "end";
  readonly position: number;
}

class ProgramParser {
  private position = 0;
  private readonly statements: ProgramStatement[] = [];
  private readonly inputsRead = new Set<number>();

  constructor(private readonly text: string) {}

  parse(): PointwiseProgram {
    do this.statement();
    while (this.accept(";"));
    const end = this.next();
    if (end.kind !== "end") this.fail(end.position, `expected ";" or the end of the program, found "${end.text}"`);
    const inputCount = this.inputsRead.size === 0 ? 0 : Math.max(...this.inputsRead) + 1;
    for (let i = 0; i < inputCount; i++) if (!this.inputsRead.has(i)) this.fail(this.text.length, `input x${i} is never read (inputs x0..x${inputCount - 1})`);
    if (inputCount === 0) this.fail(0, "the program reads no input");
    const read = new Set(this.statements.flatMap((s) => (s.kind === "binary" ? [s.a, s.b] : [s.x])).flatMap((o) => (o.kind === "temp" ? [o.index] : [])));
    const unused = this.statements.findIndex((_, i) => i < this.statements.length - 1 && !read.has(i));
    if (unused >= 0) this.fail(this.text.length, `t${unused} is never read (every statement but the last must feed a later one)`);
    return { text: this.text, inputCount, statements: this.statements };
  }

  private statement(): void {
    const index = this.statements.length;
    const target = this.next();
    if (target.text !== `t${index}`) this.fail(target.position, `expected the statement's result t${index}, found "${target.text}"`);
    this.expect("=");
    const name = this.next();
    if (name.kind !== "name") this.fail(name.position, `expected an op name, found "${name.text}"`);
    this.expect("(");
    const operands: { operand: ProgramOperand; position: number }[] = [];
    do operands.push(this.operand(index));
    while (this.accept(","));
    this.expect(")");
    this.statements.push(this.build(name, operands));
  }

  private build(name: Token, operands: readonly { operand: ProgramOperand; position: number }[]): ProgramStatement {
    const op = name.text;
    if ((PROGRAM_BINARY_OPS as readonly string[]).includes(op)) {
      if (operands.length !== 2) this.fail(name.position, `${op} takes 2 operands, got ${operands.length}`);
      const a = operands[0]!.operand;
      const b = operands[1]!.operand;
      if (a.kind === "number") this.fail(operands[0]!.position, `the first operand of ${op} must be a tensor (an input or a result), got a number`);
      if (b.kind === "number" && !SCALAR_OPERAND_OPS.has(op)) this.fail(operands[1]!.position, `${op} takes no number operand (only add, sub, mul and div do)`);
      return { kind: "binary", op: op as ProgramBinaryOp, a, b };
    }
    if (!Object.hasOwn(PROGRAM_UNARY_OPS, op)) this.fail(name.position, `unknown op "${op}"`);
    const unary = op as ProgramUnaryOp;
    const paramCount = PROGRAM_UNARY_OPS[unary];
    if (operands.length !== 1 + paramCount) this.fail(name.position, `${op} takes 1 tensor operand and ${paramCount} number${paramCount === 1 ? "" : "s"}, got ${operands.length} operands`);
    const [x, ...rest] = operands as readonly [{ operand: ProgramOperand; position: number }, ...{ operand: ProgramOperand; position: number }[]];
    if (x.operand.kind === "number") this.fail(x.position, `the operand of ${op} must be a tensor (an input or a result), got a number`);
    const params = rest.map(({ operand, position }) => {
      if (operand.kind !== "number") this.fail(position, `the parameters of ${op} must be numbers`);
      if (unary === "clamp" && Number.isNaN(operand.value)) this.fail(position, "clamp bounds must not be nan");
      return operand.value;
    });
    return { kind: "unary", op: unary, x: x.operand, params };
  }

  private operand(statementIndex: number): { operand: ProgramOperand; position: number } {
    const token = this.next();
    if (token.kind === "number") return { operand: { kind: "number", value: parseNumber(token.text) }, position: token.position };
    if (token.kind !== "ref") this.fail(token.position, `expected an operand (xN, tN or a number), found "${token.text || "the end"}"`);
    const index = Number(token.text.slice(1));
    if (token.text[0] === "x") {
      this.inputsRead.add(index);
      return { operand: { kind: "input", index }, position: token.position };
    }
    if (index >= statementIndex) this.fail(token.position, `t${index} is read before it is defined (in the statement of t${statementIndex})`);
    return { operand: { kind: "temp", index }, position: token.position };
  }

  private expect(punct: string): void {
    const token = this.next();
    if (token.text !== punct) this.fail(token.position, `expected "${punct}", found "${token.text || "the end"}"`);
  }

  private accept(punct: string): boolean {
    const saved = this.position;
    if (this.next().text === punct) return true;
    this.position = saved;
    return false;
  }

  private next(): Token {
    TOKEN.lastIndex = this.position;
    const rest = this.text.slice(this.position);
    if (rest.trim() === "") {
      this.position = this.text.length;
      return { text: "", kind: "end", position: this.text.length };
    }
    const match = TOKEN.exec(this.text);
    const start = this.position + (rest.length - rest.trimStart().length);
    if (!match) this.fail(start, `unexpected character "${this.text[start]}"`);
    this.position = TOKEN.lastIndex;
    const groups = match.groups!;
    const kind = groups.ref ? "ref" : groups.name ? "name" : groups.number ? "number" : "punct";
    return { text: (groups.ref ?? groups.name ?? groups.number ?? groups.punct)!, kind, position: start };
  }

  private fail(position: number, message: string): never {
    fail("INVALID_ARGUMENT", `${OP}(): bad program at position ${position}: ${message}\n  ${this.text}\n  ${" ".repeat(position)}^`);
  }
}

function parseNumber(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  const bare = text.replace(/^[-+]/, "").toLowerCase();
  if (bare === "inf") return sign * Infinity;
  if (bare === "nan") return NaN;
  return sign * Number(bare);
}
