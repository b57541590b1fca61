/**
 * Quick fixes for TSJ diagnostics. Each fix is offered only where the build's analysis
 * reports the diagnostic it fixes (same node, same code), never by a rule of its own:
 *
 *   TSJ1018 missingParameterType   (x, n) → (x, n: Tensor) or (x, n: number)
 *   TSJ1038 tensorComparison       x > 0.5 with x a Tensor → x.item() > 0.5 (also offered on
 *           unsupportedOperator     TSJ1024 when its node is such a comparison)
 *   TSJ1001 arrowFunction          const g = (t: Tensor) => relu(t); inside @script code →
 *                                  a module-level `function g(t: Tensor) { return relu(t); }`
 *   TSJ1037 looseEquality          n == 1 → n === 1
 *
 * Codes are found by catalog NAME, so renumbering the catalog cannot break the fixes.
 */
import type * as ts from "typescript";
import type { FileAnalysis } from "../../transformer/analyzeFile.js";
import { DIAGNOSTICS, type ScriptDiagnostic } from "../../transformer/frontend/index.js";
import { isTensorType } from "../../transformer/frontend/types.js";
import { TSJ_CODE_BASE } from "../../transformer/tsDiagnostics.js";

type Fixer = (tsi: typeof ts, checker: ts.TypeChecker, file: ts.SourceFile, diagnostic: ScriptDiagnostic) => ts.CodeFixAction[];

const FIXERS: Readonly<Record<string, Fixer>> = {
  missingParameterType: addParameterType,
  unsupportedOperator: compareTensorItem,
  tensorComparison: compareTensorItem,
  arrowFunction: hoistArrowFunction,
  looseEquality: strictEquality,
};

const fixersByCode = new Map<number, Fixer>(DIAGNOSTICS.filter((d) => FIXERS[d.name] !== undefined).map((d) => [TSJ_CODE_BASE + d.code, FIXERS[d.name]!]));

/** The ts.Diagnostic codes (as strings, as tsserver wants them) that have fixes. */
export function supportedCodeFixes(): string[] {
  return [...fixersByCode.keys()].map(String);
}

export function scriptCodeFixes(
  tsi: typeof ts,
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  analysis: FileAnalysis,
  start: number,
  end: number,
  errorCodes: readonly number[],
): ts.CodeFixAction[] {
  const fixes: ts.CodeFixAction[] = [];
  for (const diagnostic of analysis.diagnostics) {
    const code = TSJ_CODE_BASE + diagnostic.code;
    const fixer = fixersByCode.get(code);
    if (fixer === undefined || !errorCodes.includes(code)) continue;
    const node = tsi.getParseTreeNode(diagnostic.node) ?? diagnostic.node;
    const nodeStart = node.getStart(file);
    // The editor asks with the diagnostic's span, or with the cursor inside it.
    if (!(nodeStart <= end && start <= node.getEnd())) continue;
    fixes.push(...fixer(tsi, checker, file, { ...diagnostic, node }));
  }
  return fixes;
}

function action(fixName: string, description: string, file: ts.SourceFile, changes: ts.TextChange[]): ts.CodeFixAction {
  return { fixName, description, changes: [{ fileName: file.fileName, textChanges: changes }] };
}

function addParameterType(tsi: typeof ts, _checker: ts.TypeChecker, file: ts.SourceFile, { node }: ScriptDiagnostic): ts.CodeFixAction[] {
  if (!tsi.isParameter(node) || node.type !== undefined || !tsi.isIdentifier(node.name)) return [];
  const at = (node.questionToken ?? node.name).getEnd();
  const name = node.name.text;
  return ["Tensor", "number", "boolean"].map((type) =>
    action("tsjitAddParameterType", `Annotate parameter '${name}' as ${type}`, file, [{ span: { start: at, length: 0 }, newText: `: ${type}` }]),
  );
}

const COMPARISONS = new Set(["<", "<=", ">", ">=", "===", "!=="]);

function compareTensorItem(tsi: typeof ts, checker: ts.TypeChecker, file: ts.SourceFile, { node }: ScriptDiagnostic): ts.CodeFixAction[] {
  if (!tsi.isBinaryExpression(node) || !COMPARISONS.has(tsi.tokenToString(node.operatorToken.kind) ?? "")) return [];
  const isTensor = (e: ts.Expression): boolean => isTensorType(tsi, checker, checker.getTypeAtLocation(e));
  const isNumber = (e: ts.Expression): boolean => (checker.getTypeAtLocation(e).flags & tsi.TypeFlags.NumberLike) !== 0;
  const changes: ts.TextChange[] = [];
  for (const [side, other] of [
    [node.left, node.right],
    [node.right, node.left],
  ] as const) {
    if (!isTensor(side) || !(isNumber(other) || isTensor(other))) continue;
    const simple = tsi.isIdentifier(side) || tsi.isPropertyAccessExpression(side) || tsi.isCallExpression(side) || tsi.isElementAccessExpression(side) || tsi.isParenthesizedExpression(side);
    if (simple) changes.push({ span: { start: side.getEnd(), length: 0 }, newText: ".item()" });
    else changes.push({ span: { start: side.getStart(file), length: 0 }, newText: "(" }, { span: { start: side.getEnd(), length: 0 }, newText: ").item()" });
  }
  if (changes.length === 0) return [];
  return [action("tsjitTensorItem", "Compare the tensor's value: call .item()", file, changes)];
}

function hoistArrowFunction(tsi: typeof ts, _checker: ts.TypeChecker, file: ts.SourceFile, { node }: ScriptDiagnostic): ts.CodeFixAction[] {
  if (!tsi.isArrowFunction(node) && !tsi.isFunctionExpression(node)) return [];
  const declaration = node.parent;
  if (!tsi.isVariableDeclaration(declaration) || declaration.initializer !== node || !tsi.isIdentifier(declaration.name)) return [];
  const list = declaration.parent;
  const statement = list.parent;
  if (!tsi.isVariableDeclarationList(list) || list.declarations.length !== 1 || !tsi.isVariableStatement(statement)) return [];
  let topLevel: ts.Node = statement;
  while (topLevel.parent !== undefined && !tsi.isSourceFile(topLevel.parent)) topLevel = topLevel.parent;
  if (topLevel === statement) return [];

  const name = declaration.name.text;
  const text = (n: ts.Node): string => file.text.slice(n.getStart(file), n.getEnd());
  const typeParameters = node.typeParameters === undefined ? "" : `<${node.typeParameters.map(text).join(", ")}>`;
  const parameters = node.parameters.map(text).join(", ");
  const returnType = node.type === undefined ? "" : `: ${text(node.type)}`;
  const body = tsi.isBlock(node.body) ? text(node.body) : `{\n  return ${text(node.body)};\n}`;
  const functionText = `function ${name}${typeParameters}(${parameters})${returnType} ${body}`;

  const fullStart = topLevel.getFullStart();
  const insert: ts.TextChange =
    fullStart === 0 ? { span: { start: topLevel.getStart(file), length: 0 }, newText: `${functionText}\n\n` } : { span: { start: fullStart, length: 0 }, newText: `\n\n${functionText}` };
  // Remove the statement with its line: from the end of the previous token to its end.
  const removeStart = statement.getFullStart();
  const remove: ts.TextChange = { span: { start: removeStart, length: statement.getEnd() - removeStart }, newText: "" };
  return [action("tsjitHoistArrowFunction", `Move '${name}' to a module-level function declaration`, file, [insert, remove])];
}

function strictEquality(_tsi: typeof ts, _checker: ts.TypeChecker, file: ts.SourceFile, { node }: ScriptDiagnostic): ts.CodeFixAction[] {
  const operator = file.text.slice(node.getStart(file), node.getEnd());
  if (operator !== "==" && operator !== "!=") return [];
  const strict = `${operator}=`;
  return [action("tsjitStrictEquality", `Use '${strict}'`, file, [{ span: { start: node.getStart(file), length: node.getWidth(file) }, newText: strict }])];
}
