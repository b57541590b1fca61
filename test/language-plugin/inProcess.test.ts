/**
 * The plugin's pieces in process (the tsserver test, plugin.test.ts, covers the whole):
 * option validation, the graph summary shown on hover, and the crash guard around a
 * language service whose program cannot even be read.
 */
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import init from "../../language-plugin/src/index.js";
import { parseOptions } from "../../language-plugin/src/options.js";
import { signatureOf, summarize } from "../../language-plugin/src/quickInfo.js";
import type { GraphJSON } from "../../runtime/ir/json.js";

describe("options", () => {
  it("defaults, and the documented options", () => {
    expect(parseOptions({ name: "tsjit/language-plugin" })).toEqual({ options: { hover: true, codeFixes: true, severity: new Map(), throwIn: new Set() }, problems: [] });
    const { options, problems } = parseOptions({ name: "tsjit/language-plugin", hover: false, codeFixes: false, severity: { TSJ1005: "warning", TSJ1015: "off" } });
    expect(problems).toEqual([]);
    expect(options.hover).toBe(false);
    expect(options.codeFixes).toBe(false);
    expect([...options.severity]).toEqual([
      [1005, "warning"],
      [1015, "off"],
    ]);
  });

  it("every bad option is one clear sentence, and falls back to its default", () => {
    const { options, problems } = parseOptions({ name: "x", hover: "no", severity: { TSJ1: "error", TSJ1005: "fatal", 1006: "error" }, colour: 1, throwIn: "everything" });
    expect(options.hover).toBe(true);
    expect(options.severity.size).toBe(0);
    expect(problems).toEqual([
      `option 'hover' must be true or false, got "no"; using true`,
      // (integer-like keys come first in a JSON object)
      expect.stringMatching(/^option 'severity': '1006' is not a tsjit diagnostic code/),
      expect.stringMatching(/^option 'severity': 'TSJ1' is not a tsjit diagnostic code \(TSJ1001 to TSJ\d+, see docs\/diagnostics.md\); ignored$/),
      `option 'severity': TSJ1005 must be 'error', 'warning', 'suggestion', 'message', 'off', got "fatal"; ignored`,
      "option 'colour' is unknown; the options are 'hover', 'codeFixes', 'severity', 'throwIn'",
      `option 'throwIn' takes 'create', 'semanticDiagnostics', 'quickInfo', 'codeFixes', got "everything"; ignored`,
    ]);
    expect(parseOptions(["hover"]).problems).toEqual(["the plugin entry must be an object, got an array; using the defaults"]);
    expect(parseOptions({ severity: "warning" }).problems).toEqual([`option 'severity' must be an object like { "TSJ1005": "warning" }, got "warning"; ignored`]);
  });
});

describe("graph summary", () => {
  const graph: GraphJSON = {
    version: 1,
    inputs: [
      { id: 0, type: "Tensor", name: "x" },
      { id: 1, type: "int", name: "n" },
    ],
    nodes: [
      { kind: "prim::Constant", inputs: [], outputs: [{ id: 2, type: "int" }], attributes: { value: 0 } },
      {
        kind: "prim::Loop",
        inputs: [1, 0],
        outputs: [{ id: 3, type: "Tensor" }],
        blocks: [{ params: [{ id: 4, type: "int" }, { id: 5, type: "Tensor" }], nodes: [{ kind: "aten::relu", inputs: [5], outputs: [{ id: 6, type: "Tensor" }] }], returns: [6] }],
      },
      { kind: "prim::If", inputs: [2], outputs: [{ id: 7, type: "Tensor" }], blocks: [] },
    ],
    outputs: [7, 1],
  };

  it("counts nodes in nested blocks, loops, ifs and the ops used", () => {
    expect(summarize(graph)).toEqual({ nodes: 4, loops: 1, ifs: 1, ops: ["aten::relu"] });
    expect(signatureOf("f", graph)).toBe("f(x: Tensor, n: int) -> (Tensor, int)");
  });
});

describe("the crash guard", () => {
  it("an exception inside the plugin is logged and the plain result returned", () => {
    const plainDiagnostics: ts.Diagnostic[] = [{ file: undefined, start: 0, length: 1, code: 2304, category: ts.DiagnosticCategory.Error, messageText: "plain" }];
    const broken = {
      getSemanticDiagnostics: () => plainDiagnostics,
      getQuickInfoAtPosition: () => undefined,
      getCodeFixesAtPosition: () => [],
      getSupportedCodeFixes: () => ["2304"],
      getProgram: () => {
        throw new Error("no program today");
      },
    } as unknown as ts.LanguageService;
    const logged: string[] = [];
    const info = { config: { name: "tsjit/language-plugin" }, languageService: broken, project: { projectService: { logger: { info: (s: string) => logged.push(s) } } } };
    const service = init({ typescript: ts }).create(info as unknown as ts.server.PluginCreateInfo);
    expect(service.getSemanticDiagnostics("/a.ts")).toBe(plainDiagnostics);
    expect(service.getQuickInfoAtPosition("/a.ts", 0)).toBeUndefined();
    expect(service.getCodeFixesAtPosition("/a.ts", 0, 1, [91018], {}, {})).toEqual([]);
    expect(service.getSupportedCodeFixes("/a.ts")).toEqual(expect.arrayContaining(["2304", "91018"]));
    expect(logged.filter((l) => l.includes("failed"))).toEqual([
      expect.stringMatching(/^tsjit\/language-plugin: getSemanticDiagnostics failed, returning the plain language service result: Error: no program today/),
      expect.stringMatching(/^tsjit\/language-plugin: getQuickInfoAtPosition failed/),
      expect.stringMatching(/^tsjit\/language-plugin: getCodeFixesAtPosition failed/),
    ]);
  });
});
