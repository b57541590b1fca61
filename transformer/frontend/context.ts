/**
 * The state of one compilation: `ProgramCompiler` (one per site: diagnostics, the
 * graphs and functions reached) and `FunctionCompiler` (one per function or method
 * body: its Graph, the block being filled, and the environment mapping variables to
 * their current SSA Values).
 *
 * Note [Environment keys]: variables are keyed by their ts.Symbol, so shadowing and
 * block scoping need no bookkeeping; the lowering's own state (return and loop
 * flags) uses string keys such as `$ret`. A key whose expression failed to compile
 * is "poisoned": reading it is silent, so one error does not cascade.
 */
import { relative } from "node:path";
import type * as ts from "typescript";
import { type AttributeValue, type Block, Graph, type Node, type SourceRange, type Value } from "../../runtime/ir/Graph.js";
import type { IRType } from "../../runtime/ir/types.js";
import { type DiagnosticName, makeDiagnostic, type ScriptDiagnostic } from "./diagnostics.js";

export type Key = ts.Symbol | string;
export type TS = typeof ts;

export interface LoopFrame {
  /** Env key of this loop's break flag, when the body has a break. */
  readonly brk: string | undefined;
  /** Env key of this loop's continue flag, when the body has a continue. */
  readonly cont: string | undefined;
}

export interface CalleeRequest {
  readonly kind: "method" | "function";
  readonly declaration: ts.FunctionLikeDeclaration;
  readonly name: string;
}

export class ProgramCompiler {
  readonly diagnostics: ScriptDiagnostic[] = [];
  /** Method graphs (the site's class) and free-function graphs, in the order they were finished. */
  readonly graphs = new Map<string, Graph>();
  readonly functions = new Map<string, Graph>();
  /** Declarations being compiled right now (recursion detection) or already compiled. */
  readonly inProgress = new Set<ts.Node>();
  readonly finished = new Map<ts.Node, string>();
  /** Compiles a callee on demand; set by index.ts (it knows how to compile a body). */
  compileCallee: (request: CalleeRequest, at: ts.Node) => boolean = () => false;

  constructor(
    readonly ts: TS,
    readonly checker: ts.TypeChecker,
    readonly cwd: string,
  ) {}

  report(name: DiagnosticName, node: ts.Node, args: readonly string[] = []): void {
    const original = this.ts.getParseTreeNode(node) ?? node;
    if (this.diagnostics.some((d) => d.node === original && d.code === makeDiagnostic(name, original, args).code)) return;
    this.diagnostics.push(makeDiagnostic(name, original, args));
  }

  sourceRange(node: ts.Node): SourceRange | undefined {
    const original = this.ts.getParseTreeNode(node) ?? node;
    if (original.pos < 0) return undefined;
    const sf = original.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(original.getStart(sf));
    const file = relative(this.cwd, sf.fileName).replace(/\\/g, "/");
    return { file, line: line + 1, col: character + 1 };
  }
}

let flagCounter = 0;

export class FunctionCompiler {
  readonly graph = new Graph();
  block: Block;
  env = new Map<Key, Value>();
  readonly poisoned = new Set<Key>();
  readonly loops: LoopFrame[] = [];
  self: Value | undefined;
  /** The IR return type; undefined for a void function. */
  returnType: IRType | undefined;
  /** Whether a `return` sits inside a loop, so `$ret`/`$retval` flags are carried. */
  usesReturnFlag = false;

  constructor(
    readonly pc: ProgramCompiler,
    readonly declaration: ts.FunctionLikeDeclaration,
    readonly classDeclaration: ts.ClassLikeDeclaration | undefined,
  ) {
    this.block = this.graph.block;
  }

  get ts(): TS {
    return this.pc.ts;
  }

  get checker(): ts.TypeChecker {
    return this.pc.checker;
  }

  report(name: DiagnosticName, node: ts.Node, args: readonly string[] = []): void {
    this.pc.report(name, node, args);
  }

  freshFlag(prefix: string): string {
    return `$${prefix}${flagCounter++}`;
  }

  keyName(key: Key): string {
    return typeof key === "string" ? key.replace(/^\$/, "").replace(/\d+$/, "") : key.getName();
  }

  append(kind: string, inputs: readonly Value[], at: ts.Node | undefined): Node {
    return this.block.appendNode(this.graph.createNode(kind, inputs, at ? this.pc.sourceRange(at) : undefined));
  }

  constant(value: AttributeValue, type: IRType, at: ts.Node | undefined): Value {
    const node = this.append("prim::Constant", [], at);
    node.setAttribute("value", value);
    return node.addOutput(type);
  }

  /** One op node with outputs of the given types. */
  op(kind: string, inputs: readonly Value[], outputs: readonly IRType[], at: ts.Node | undefined, debugName?: string): Value[] {
    const node = this.append(kind, inputs, at);
    return outputs.map((t) => node.addOutput(t, debugName));
  }

  op1(kind: string, inputs: readonly Value[], output: IRType, at: ts.Node | undefined): Value {
    return this.op(kind, inputs, [output], at)[0]!;
  }

  inBlock<T>(block: Block, f: () => T): T {
    const saved = this.block;
    this.block = block;
    try {
      return f();
    } finally {
      this.block = saved;
    }
  }

  lookup(key: Key): Value | undefined {
    return this.env.get(key);
  }

  assign(key: Key, value: Value | undefined): void {
    if (value === undefined) {
      this.poisoned.add(key);
      this.env.delete(key);
      return;
    }
    this.poisoned.delete(key);
    if (value.debugName === undefined && typeof key !== "string") value.debugName = key.getName();
    this.env.set(key, value);
  }
}
