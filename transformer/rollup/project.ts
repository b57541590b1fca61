/**
 * The TypeScript project a plugin instance compiles against: one `ts.Program` from the
 * tsconfig, reused by every module of a build and rebuilt incrementally between watch
 * builds (the previous program is passed as `oldProgram`, and source files that did not
 * change are handed back as the same `ts.SourceFile` objects, so TypeScript reuses them
 * and their binding; the lib files are parsed once per plugin instance).
 */
import { resolve } from "node:path";
import type * as ts from "typescript";
import { typescript } from "./typescript.js";

/** Fails the build with a message naming the tsconfig and what is wrong with it. */
export class ProjectConfigError extends Error {}

export class Project {
  private program: ts.Program | undefined;
  private readonly sourceFiles = new Map<string, ts.SourceFile>();
  private readonly changed = new Set<string>();
  private readonly extraRoots = new Set<string>();
  private configChanged = true;
  private parsed: ts.ParsedCommandLine | undefined;

  constructor(readonly tsconfigPath: string) {}

  /** A file changed on disk (rollup's watchChange); the next `current()` rebuilds. */
  invalidate(fileName: string): void {
    const normalized = normalize(fileName);
    if (normalized === normalize(this.tsconfigPath)) this.configChanged = true;
    this.sourceFiles.delete(normalized);
    this.changed.add(normalized);
  }

  /** The program, rebuilt first when a file changed, or with `fileName` added when it is not in it yet. */
  current(fileName?: string): ts.Program {
    const normalized = fileName === undefined ? undefined : normalize(fileName);
    const missing = normalized !== undefined && this.program?.getSourceFile(normalized) === undefined;
    if (normalized !== undefined && missing) this.extraRoots.add(normalized);
    if (this.program === undefined || this.configChanged || this.changed.size > 0 || missing) this.rebuild();
    return this.program!;
  }

  /** The TypeScript source file (not a declaration file) `source` names from `importer` under the project's module resolution. */
  resolveSourceModule(source: string, importer: string): string | undefined {
    const options = (this.parsed ??= parseConfig(this.tsconfigPath)).options;
    const resolved = typescript.resolveModuleName(source, importer, options, typescript.sys).resolvedModule;
    if (resolved === undefined || resolved.isExternalLibraryImport || /\.d\.[cm]?ts$/.test(resolved.resolvedFileName)) return undefined;
    return /\.[cm]?tsx?$/.test(resolved.resolvedFileName) ? normalize(resolved.resolvedFileName) : undefined;
  }

  private rebuild(): void {
    if (this.configChanged || this.parsed === undefined) this.parsed = parseConfig(this.tsconfigPath);
    this.configChanged = false;
    this.changed.clear();
    const options = emitOptions(this.parsed.options);
    const host = typescript.createCompilerHost(options, true);
    const readSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const key = normalize(fileName);
      let sourceFile = this.sourceFiles.get(key);
      if (sourceFile === undefined || shouldCreate) {
        sourceFile = readSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (sourceFile !== undefined) this.sourceFiles.set(key, sourceFile);
      }
      return sourceFile;
    };
    const rootNames = [...new Set([...this.parsed.fileNames.map(normalize), ...this.extraRoots])];
    this.program = typescript.createProgram({ rootNames, options, host, oldProgram: this.program, projectReferences: this.parsed.projectReferences });
  }
}

function normalize(fileName: string): string {
  return resolve(fileName).replace(/\\/g, "/");
}

function parseConfig(tsconfigPath: string): ts.ParsedCommandLine {
  const problems: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = { ...typescript.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => problems.push(diagnostic) };
  const parsed = typescript.getParsedCommandLineOfConfigFile(tsconfigPath, {}, host);
  problems.push(...(parsed?.errors ?? []).filter((d) => d.code !== NO_INPUTS_FOUND));
  if (parsed === undefined || problems.length > 0) {
    const text = problems.map((d) => typescript.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n");
    throw new ProjectConfigError(`tsjit: cannot use ${tsconfigPath}: ${text || "unreadable"}`);
  }
  return parsed;
}

/** TS18003 "No inputs were found": fine, the entries rollup is given become roots. */
const NO_INPUTS_FOUND = 18003;

/**
 * The project's options, changed only where emitting one ES module with a separate
 * source map for rollup needs it: no declarations or build info, ES modules (unless the
 * project already emits them: ES20xx, ESNext, Node16/NodeNext, Preserve).
 */
function emitOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const { ModuleKind } = typescript;
  const module = options.module;
  const emitsEsm = module !== undefined && module !== ModuleKind.None && module !== ModuleKind.CommonJS && module !== ModuleKind.AMD && module !== ModuleKind.UMD && module !== ModuleKind.System;
  return {
    ...options,
    ...(emitsEsm ? {} : { module: ModuleKind.ESNext }),
    noEmit: false,
    noEmitOnError: false,
    emitDeclarationOnly: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    sourceMap: true,
    inlineSourceMap: false,
    inlineSources: false,
  };
}
