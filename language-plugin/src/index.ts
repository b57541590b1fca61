/**
 * tsjit's tsserver plugin: `"plugins": [{ "name": "tsjit/language-plugin" }]` in tsconfig.
 *
 * A thin adapter over the build's own analysis (STYLE: one host-agnostic core, thin
 * entry points): diagnostics come from transformer/analyzeFile.ts + tsDiagnostics.ts,
 * the same code `tspc` runs, so the editor and the build report the same codes,
 * messages and spans. It uses only the TypeScript instance tsserver injects
 * (`init({ typescript })`); `typescript` is never imported as a value (rollup keeps
 * it external and nothing requires it).
 *
 * Note [The plugin never takes tsserver down]: every method it adds or wraps computes
 * the plain language service's result first, outside any try, then adds its own part
 * inside a try; an exception is logged through the project's logger
 * (`tsjit/language-plugin: getSemanticDiagnostics failed: ...` with the stack) and the
 * plain result is returned. `create` itself falls back to the unwrapped service.
 */
import type * as ts from "typescript";
import { scriptCodeFixes, supportedCodeFixes } from "./codeFixes.js";
import { analysisOf, scriptDiagnostics } from "./diagnostics.js";
import { DEFAULT_OPTIONS, parseOptions, type PluginOptions, type ThrowPoint } from "./options.js";
import { scriptHover } from "./quickInfo.js";

const PREFIX = "tsjit/language-plugin";

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsi = modules.typescript;
  /** Per project, so `onConfigurationChanged` can update options of live services. */
  const live = new Set<{ options: PluginOptions; log: (message: string) => void }>();

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const logger = info.project.projectService.logger;
    const log = (message: string): void => logger.info(`${PREFIX}: ${message}`);
    const state = { options: DEFAULT_OPTIONS, log };
    try {
      state.options = readOptions(info.config, log);
      if (state.options.throwIn.has("create")) throw new Error("throwIn: create (testing option)");
      const service = wrap(tsi, info.languageService, state);
      live.add(state);
      log(`enabled (hover: ${state.options.hover}, codeFixes: ${state.options.codeFixes}, severity overrides: ${state.options.severity.size})`);
      return service;
    } catch (error) {
      log(`could not start, using the plain language service: ${describeError(error)}`);
      return info.languageService;
    }
  }

  function onConfigurationChanged(config: unknown): void {
    for (const state of live) state.options = readOptions(config, state.log);
  }

  return { create, onConfigurationChanged };
}

function readOptions(config: unknown, log: (message: string) => void): PluginOptions {
  const { options, problems } = parseOptions(config);
  for (const problem of problems) log(`bad option in tsconfig: ${problem}`);
  return options;
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function wrap(tsi: typeof ts, service: ts.LanguageService, state: { options: PluginOptions; log: (message: string) => void }): ts.LanguageService {
  const proxy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(service) as (keyof ts.LanguageService)[]) {
    const member = service[key];
    proxy[key] = typeof member === "function" ? (member as (...args: unknown[]) => unknown).bind(service) : member;
  }

  /** Runs the plugin's part; on an exception logs it and returns undefined (the caller keeps the plain result). */
  const guarded = <T>(what: string, point: ThrowPoint, run: () => T): T | undefined => {
    try {
      if (state.options.throwIn.has(point)) throw new Error(`throwIn: ${point} (testing option)`);
      return run();
    } catch (error) {
      state.log(`${what} failed, returning the plain language service result: ${describeError(error)}`);
      return undefined;
    }
  };

  const programAndFile = (fileName: string): { program: ts.Program; file: ts.SourceFile } | undefined => {
    const program = service.getProgram();
    const file = program?.getSourceFile(fileName);
    return program && file ? { program, file } : undefined;
  };

  const getSemanticDiagnostics = (fileName: string): ts.Diagnostic[] => {
    const base = service.getSemanticDiagnostics(fileName);
    const extra = guarded("getSemanticDiagnostics", "semanticDiagnostics", () => {
      const found = programAndFile(fileName);
      return found ? scriptDiagnostics(tsi, found.program, found.file, state.options) : [];
    });
    return extra === undefined || extra.length === 0 ? base : [...base, ...extra];
  };

  const getQuickInfoAtPosition = (fileName: string, position: number, ...rest: unknown[]): ts.QuickInfo | undefined => {
    const base = (service.getQuickInfoAtPosition as (...args: unknown[]) => ts.QuickInfo | undefined)(fileName, position, ...rest);
    if (!state.options.hover) return base;
    const result = guarded("getQuickInfoAtPosition", "quickInfo", () => {
      const found = programAndFile(fileName);
      const analysis = found && analysisOf(tsi, found.program, found.file);
      if (!found || !analysis) return base;
      const hover = scriptHover(tsi, found.program.getTypeChecker(), found.file, analysis, position);
      if (hover === undefined) return base;
      const text = hover.lines.join("\n");
      if (base === undefined) {
        return { kind: tsi.ScriptElementKind.unknown, kindModifiers: "", textSpan: hover.span, displayParts: [{ text, kind: "text" }], documentation: [] } satisfies ts.QuickInfo;
      }
      const documentation = [...(base.documentation ?? [])];
      if (documentation.length > 0) documentation.push({ text: "\n\n", kind: "lineBreak" });
      documentation.push({ text, kind: "text" });
      return { ...base, documentation };
    });
    return result === undefined ? base : result;
  };

  const getCodeFixesAtPosition = (
    fileName: string,
    start: number,
    end: number,
    errorCodes: readonly number[],
    formatOptions: ts.FormatCodeSettings,
    preferences: ts.UserPreferences,
  ): readonly ts.CodeFixAction[] => {
    const base = service.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences);
    if (!state.options.codeFixes) return base;
    const extra = guarded("getCodeFixesAtPosition", "codeFixes", () => {
      const found = programAndFile(fileName);
      const analysis = found && analysisOf(tsi, found.program, found.file);
      return found && analysis ? scriptCodeFixes(tsi, found.program.getTypeChecker(), found.file, analysis, start, end, errorCodes) : [];
    });
    return extra === undefined || extra.length === 0 ? base : [...base, ...extra];
  };

  const getSupportedCodeFixes = (fileName?: string): readonly string[] => {
    const base = service.getSupportedCodeFixes(fileName);
    if (!state.options.codeFixes) return base;
    const extra = guarded("getSupportedCodeFixes", "codeFixes", () => supportedCodeFixes());
    return extra === undefined ? base : [...base, ...extra.filter((code) => !base.includes(code))];
  };

  Object.assign(proxy, { getSemanticDiagnostics, getQuickInfoAtPosition, getCodeFixesAtPosition, getSupportedCodeFixes });
  return proxy as unknown as ts.LanguageService;
}

export default init;
