/**
 * The `@script` diagnostics catalog: one entry per kind of problem, with a stable
 * code (printed `TSJ<code>`), a message template saying what is unsupported, and
 * what to write instead. docs/diagnostics.md is generated from this array
 * (`renderDiagnosticsDoc`), and a test keeps the two in sync.
 *
 * Templates use `{0}`, `{1}`, ... for the arguments a report passes.
 */
import type * as ts from "typescript";

export interface ScriptDiagnostic {
  readonly code: number;
  readonly message: string;
  readonly node: ts.Node;
  readonly category: "error" | "warning";
}

export interface DiagnosticKind {
  readonly code: number;
  readonly name: string;
  /** What is wrong; `{n}` placeholders. */
  readonly problem: string;
  /** What to write instead. */
  readonly fix: string;
  /** A minimal example that triggers it (for the docs). */
  readonly example: string;
}

const kinds = [
  ["arrowFunction", "Arrow functions, function expressions and nested function declarations are not supported inside @script code", "write the helper as its own function declaration or script(function name(...) {...}) and call it, or inline the code", "const f = (t: Tensor) => relu(t);"],
  ["closureCapture", "'{0}' is declared outside this @script function, which cannot capture variables", "pass '{0}' as a parameter, or make it a module-level const with a literal value", "let k = 2; ... script(function f(x: Tensor) { return mul(x, k); })"],
  ["anyType", "'{0}' has type '{1}', which @script cannot compile", "annotate it with Tensor, number, boolean, string, an array or tuple of those, or T | null", "function f(x: any) { ... }"],
  ["asyncCode", "async functions and await are not supported inside @script code", "compute synchronously; await outside the compiled function", "async function f(x: Tensor) { ... }"],
  ["generator", "generators and yield are not supported inside @script code", "build an array with push and return it", "function* f(x: Tensor) { yield x; }"],
  ["tryStatement", "try/catch/finally is not supported inside @script code", "check the condition with if and throw new Error(message)", "try { ... } catch { ... }"],
  ["classDeclaration", "classes cannot be declared inside @script code", "declare the class at module level; only its @script methods are compiled", "class Local {}"],
  ["objectLiteral", "object literals are not supported in @script code (only as the options object of an op call, e.g. conv2d(x, w, b, { stride: 2 }))", "use separate variables, or return a tuple [a, b]", "return { a: x };"],
  ["spread", "spread syntax (...) is not supported inside @script code", "pass the arguments one by one, or pass the array itself", "f(...xs)"],
  ["optionalChaining", "optional chaining (?.) and nullish coalescing (??) are not supported inside @script code", "test for null with if (x !== null) { ... }", "x?.relu()"],
  ["typeofOperator", "typeof is not supported inside @script code: types are known at compile time", "use the declared types; split the function per type", "typeof x === \"number\""],
  ["deleteOperator", "delete is not supported inside @script code", "use a new variable instead of removing a property", "delete this.fc"],
  ["labeledStatement", "labels and labeled break/continue are not supported inside @script code", "use a boolean flag to leave the outer loop", "outer: for (...) { break outer; }"],
  ["recursion", "'{0}' calls itself (directly or through other functions); recursion is not supported by @script", "rewrite the recursion as a loop", "function f(n: number): number { return f(n - 1); }"],
  ["unknownCall", "'{0}' is neither a tsjit op nor a compiled function or method", "call a tsjit op (relu, matmul, ...), a function declared in your code, a script(function ...) function, or a method of this module", "console.log(x)"],
  ["moduleMutation", "assigning to module attribute 'this.{0}' is not supported inside @script code", "keep the value in a local variable, or return it", "this.count = this.count + 1;"],
  ["unsupportedField", "'this.{0}' has type '{1}', which @script cannot read", "use a Tensor/Parameter, number, boolean or string field, or an nn.Module submodule", "this.table.get(k)"],
  ["missingParameterType", "parameter '{0}' needs a type annotation in @script code", "write its type: (x: Tensor), (n: number), (flag: boolean), (xs: Tensor[])", "function f(x) { ... }"],
  ["typeMismatch", "'{0}' is {1} on one path and {2} on another; @script needs one type per variable", "use the same type on both paths (e.g. zerosLike(x) instead of 0 for a Tensor)", "let y = x; if (c) { y = 0; }"],
  ["opArguments", "no overload of '{0}' accepts ({1}): {2}", "pass arguments matching one of the op's schemas (see docs/language.md)", "relu(x, 2)"],
  ["unsupportedType", "type '{0}' cannot be represented in @script code", "use Tensor, number, boolean, string, arrays/tuples of those, or T | null", "function f(m: Map<string, Tensor>) { ... }"],
  ["unsupportedStatement", "{0} is not supported inside @script code", "use if/else, for (let i = a; i < b; i++), for (const x of xs), or while", "switch (n) { ... }"],
  ["unsupportedExpression", "{0} is not supported inside @script code", "rewrite it with locals, ops, if/else and loops (the subset in docs/language.md)", "x instanceof Tensor"],
  ["unsupportedOperator", "operator '{0}' is not supported on {1} in @script code", "{2}", "a + b on Tensors: write add(a, b)"],
  ["unknownMember", "'{0}' is not supported on a value of type {1} in @script code", "use an op (x.relu(), x.reshape(...)), x.shape[i], x.size(i), x.dim(), x.item(), or an array's length/push/[i]", "x.data"],
  ["missingReturn", "not every path of '{0}' returns a value", "end every path with return", "function f(x: Tensor): Tensor { if (c) return x; }"],
  ["throwForm", "only throw new Error(message) with a string message is supported inside @script code", "throw new Error(\"what went wrong\")", "throw x;"],
  ["moduleListLength", "'this.{0}' is iterated but its length is not known at build time", "initialize the field with new nn.ModuleList([...]) listing the layers literally", "for (const l of this.layers) ..."],
  ["conditionType", "a condition must be a boolean or a one-element Tensor, got {0}", "compare explicitly (n !== 0, x.item() > 0)", "if (\"s\") ..."],
  ["destructuring", "this destructuring pattern is not supported inside @script code", "destructure arrays and tuples by position: const [a, b] = pair", "const { a } = obj;"],
  ["elementAssignment", "assigning to an element or property ({0}) is not supported inside @script code", "build a new array with push, or use tensor ops", "xs[0] = y;"],
  ["thisValue", "'this' can only be used to read fields and call methods (this.fc.forward(x), this.helper(x))", "read the field you need: this.weight, this.fc", "const self = this;"],
  ["parameterForm", "parameter '{0}' uses a form @script does not support (rest, destructured, or this parameter)", "declare plain named parameters with types", "function f(...xs: Tensor[]) { ... }"],
  ["uninitializedVariable", "'{0}' is declared without a value", "initialize the variable where it is declared (let y = zerosLike(x);)", "let y: Tensor;"],
  ["throwInReturningBranch", "a branch that throws cannot be combined with a branch that returns here", "move the check before: if (bad) throw new Error(...); then return", "if (c) return x; else throw new Error(\"no\");"],
  ["internalError", "internal compiler error: {0}", "please report this with the code that caused it; meanwhile rewrite the construct", "(none)"],
  ["looseEquality", "loose equality ({0}) is not supported inside @script code, except == null / != null", "use === or !==", "if (n == 1) ..."],
  ["tensorComparison", "'{0}' on a Tensor is not supported in @script code (JavaScript would compare the objects, not their values)", "compare its number, x.item() {0} 0.5, for a one-element Tensor, or call the elementwise op {1}(x, 0.5) for a mask", "if (x > 0.5) ..."],
  ["returnType", "the return type of '{0}' is inferred as '{1}', which @script cannot represent", "return one type on every path, and write it: function {0}(...): Tensor", "function f(x: Tensor, c: boolean) { if (c) return x; return 0; }"],
  ["newExpression", "'new {0}(...)' is not supported inside @script code (only throw new Error(message) may use new)", "create tensors with ops (zeros(...), zerosLike(x), tensor-valued ops) and arrays with literals [a, b]", "const buf = new Float32Array(4);"],
  ["callArguments", "'{0}' takes {1}, but is called with {2}", "pass one argument per parameter of '{0}' (parameters with a default or ? may be left out)", "helper(x, 2) where function helper(x: Tensor)"],
] as const satisfies readonly (readonly [string, string, string, string])[];

export type DiagnosticName = (typeof kinds)[number][0];

export const DIAGNOSTICS: readonly DiagnosticKind[] = kinds.map(([name, problem, fix, example], i) => ({ code: 1001 + i, name, problem, fix, example }));

const byName = new Map<string, DiagnosticKind>(DIAGNOSTICS.map((d) => [d.name, d]));

export function diagnosticKind(name: DiagnosticName): DiagnosticKind {
  return byName.get(name)!;
}

function fill(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? "");
}

/** The full message: the problem, then what to write instead. */
export function formatDiagnosticMessage(name: DiagnosticName, args: readonly string[] = []): string {
  const kind = diagnosticKind(name);
  return `${fill(kind.problem, args)}; ${fill(kind.fix, args)}.`;
}

export function makeDiagnostic(name: DiagnosticName, node: ts.Node, args: readonly string[] = []): ScriptDiagnostic {
  return { code: diagnosticKind(name).code, message: formatDiagnosticMessage(name, args), node, category: "error" };
}

/** docs/diagnostics.md, generated from the catalog. */
export function renderDiagnosticsDoc(): string {
  const lines = [
    "# @script diagnostics",
    "",
    "<!-- Generated from transformer/frontend/diagnostics.ts by renderDiagnosticsDoc(); do not edit. test/script/frontend/diagnostics.test.ts checks it is up to date; regenerate with: npx vitest run test/script/frontend/diagnostics.test.ts -u -->",
    "",
    "Every problem the `@script` frontend finds is reported on the exact node, with a stable code",
    "printed as `TSJ<code>`. The build reports every error in a file, not just the first.",
    "`{0}`, `{1}` stand for the names and types the message fills in.",
    "",
  ];
  for (const d of DIAGNOSTICS) {
    lines.push(`## TSJ${d.code}: ${d.name}`, "", `**Message:** ${d.problem}.`, "", `**Write instead:** ${d.fix}.`, "", "Example that triggers it:", "", "```ts", d.example, "```", "");
  }
  return lines.join("\n");
}
