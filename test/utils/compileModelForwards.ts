/** The six fixture models with their forward compiled by the @script frontend in the test process (their source as it is, whatever the build did). */
import * as ts from "typescript";
import { script } from "../../runtime/index.js";
import { compile, formatDiagnostic, makeProgram, sourceFile } from "../script/frontend/program.js";
import { decorateMethod } from "../script/runtime/helpers.js";
import { newFixtureModel } from "./fixtureModels.js";
import { MODEL_NAMES, type ModelName } from "./modelFixtures.js";

const fileOf = (name: ModelName): string => `examples/models/${name}.ts`;

let compiled = false;

/** Compiles each model class's forward as an @script method (once per test file). */
export function compileModelForwards(): void {
  if (compiled) return;
  const program = makeProgram(MODEL_NAMES.map(fileOf));
  for (const name of MODEL_NAMES) {
    const cls = newFixtureModel(name).constructor as { name: string; prototype: object };
    const declaration = sourceFile(program, fileOf(name)).statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === cls.name);
    const forward = declaration?.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === "forward");
    if (!forward) throw new Error(`${fileOf(name)}: no class ${cls.name} with a forward method`);
    const { payload, diagnostics } = compile(program, { kind: "method", declaration: forward });
    if (!payload) throw new Error(`${cls.name}: ${diagnostics.map(formatDiagnostic).join("\n")}`);
    decorateMethod(cls, "forward", script.compiled(JSON.stringify(payload)));
  }
  compiled = true;
}
