/**
 * Where user code is: the first stack frame outside tsjit's own `runtime/` folder.
 *
 * Nodes recorded by the tracer and TracerWarnings name that frame, so that a user
 * reads `examples/models/controlflow.ts:10:22` rather than a line of `Tensor.ts`.
 * Works for the `.ts` sources (vitest maps stacks to them) and for the compiled
 * `dist/runtime/` JS alike: the runtime folder is found relative to this file.
 */
import type { SourceRange } from "../../ir/Graph.js";

/** `.../runtime/` (or `.../dist/runtime/`), as a path with forward slashes and a trailing slash. */
const RUNTIME_DIR = toPath(new URL("../../", import.meta.url).href);
/** Under `node --enable-source-maps`, frames of the compiled `dist/runtime/` name their `runtime/` sources. */
const RUNTIME_DIRS = [RUNTIME_DIR, RUNTIME_DIR.replace(/\/dist\/runtime\/$/, "/runtime/")];

function inRuntime(path: string): boolean {
  return RUNTIME_DIRS.some((dir) => path.startsWith(dir));
}

function toPath(location: string): string {
  let path = location;
  if (path.startsWith("file://")) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      path = path.slice("file://".length);
    }
  }
  // Windows drive paths come out of URLs as /C:/...
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  return path.replace(/\\/g, "/");
}

interface Frame {
  readonly path: string;
  readonly line: number;
  readonly col: number;
}

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;

function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match) continue;
    frames.push({ path: toPath(match[1]!), line: Number(match[2]), col: Number(match[3]) });
  }
  return frames;
}

function isInternal(frame: Frame): boolean {
  const path = frame.path;
  return inRuntime(path) || path.startsWith("node:") || path.startsWith("internal/") || path === "<anonymous>" || path === "native";
}

function displayPath(path: string): string {
  const cwd = typeof process !== "undefined" && typeof process.cwd === "function" ? `${process.cwd().replace(/\\/g, "/")}/` : "";
  return cwd !== "/" && cwd !== "" && path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

function captureStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  try {
    return new Error().stack ?? "";
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The first frame on the current stack that is user code, or undefined (e.g. no stack support). */
export function userSourceRange(): SourceRange | undefined {
  const frame = parseFrames(captureStack()).find((f) => !isInternal(f));
  return frame ? { file: displayPath(frame.path), line: frame.line, col: frame.col } : undefined;
}

/**
 * Whether the code that touched a tensor member is user code rather than tsjit's own:
 * the first frame outside `runtime/tensor/Tensor` and the tracer itself decides.
 */
export function calledFromUserCode(): boolean {
  const caller = parseFrames(captureStack()).find(
    (f) =>
      !RUNTIME_DIRS.some((dir) => f.path.startsWith(`${dir}jit/`)) &&
      !/\/tensor\/Tensor\.[jt]s$/.test(f.path) &&
      !f.path.startsWith("node:") &&
      f.path !== "<anonymous>",
  );
  return caller !== undefined && !inRuntime(caller.path);
}

export function formatSourceRange(range: SourceRange | undefined): string {
  return range ? `${range.file}:${range.line}:${range.col}` : "<unknown location>";
}
