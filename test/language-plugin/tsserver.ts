/**
 * A minimal tsserver client for tests: starts `node node_modules/typescript/lib/tsserver.js`
 * as a child process and speaks its protocol (requests are one JSON object per line on
 * stdin; responses and events come back on stdout framed as
 * `Content-Length: <bytes>\r\n\r\n<json>`).
 *
 * Also builds the temporary workspace the server opens: `<dir>/node_modules/tsjit` is a
 * symlink to this checkout (so both `import ... from "tsjit"` and the plugin name
 * `tsjit/language-plugin` resolve to it, as for an installed package), and tsserver gets
 * `--pluginProbeLocations <dir>`, since it only looks for plugins beside its own
 * TypeScript and in the probe locations.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const PLUGIN_BUNDLE = join(ROOT, "language-plugin/dist/index.js");

export interface Workspace {
  readonly dir: string;
  /** Writes `<dir>/<path>` (creating folders); returns the absolute path. */
  write(path: string, text: string): string;
  remove(): void;
}

export function makeWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "tsjit-plugin-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/tsjit"), "dir");
  symlinkSync(join(ROOT, "node_modules/@types"), join(dir, "node_modules/@types"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "workspace", private: true, type: "module" }));
  return {
    dir,
    write(path, text) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tsconfig.json for a project of the workspace, with the plugin entry `plugin`. */
export function tsconfig(plugin: Record<string, unknown>): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
        plugins: [{ name: "tsjit/language-plugin", ...plugin }],
      },
      include: ["**/*.ts"],
    },
    null,
    2,
  );
}

export interface Response<T = unknown> {
  readonly success: boolean;
  readonly message?: string;
  readonly body?: T;
}

export class TsServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (response: Response) => void>();
  private exited: string | undefined;
  readonly logFile: string;

  constructor(workspace: Workspace) {
    this.logFile = join(workspace.dir, "tsserver.log");
    this.child = spawn(
      process.execPath,
      [
        join(ROOT, "node_modules/typescript/lib/tsserver.js"),
        "--pluginProbeLocations",
        workspace.dir,
        "--logFile",
        this.logFile,
        "--logVerbosity",
        "normal",
        "--disableAutomaticTypingAcquisition",
      ],
      { cwd: workspace.dir, stdio: "pipe" },
    );
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.resume();
    this.child.on("exit", (code, signal) => {
      this.exited = `tsserver exited (code ${code}, signal ${signal})`;
      for (const resolveResponse of this.pending.values()) resolveResponse({ success: false, message: this.exited });
      this.pending.clear();
    });
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** A request tsserver answers (most commands). */
  request<T>(command: string, args?: unknown): Promise<Response<T>> {
    const seq = this.send(command, args);
    return new Promise((resolveResponse) => {
      if (this.exited !== undefined) resolveResponse({ success: false, message: this.exited });
      else this.pending.set(seq, resolveResponse as (response: Response) => void);
    });
  }

  /** A request tsserver does not answer (`open`, `close`, `configure`...). */
  notify(command: string, args?: unknown): void {
    this.send(command, args);
  }

  open(file: string, fileContent?: string): void {
    this.notify("open", fileContent === undefined ? { file } : { file, fileContent });
  }

  log(): string {
    return readFileSync(this.logFile, "utf8");
  }

  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise<void>((done) => this.child.once("exit", () => done()));
    this.notify("exit");
    const timer = setTimeout(() => this.child.kill(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: string, args: unknown): number {
    const seq = ++this.seq;
    this.child.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    return seq;
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = /Content-Length: (\d+)/.exec(this.buffer.subarray(0, headerEnd).toString("utf8"));
      if (!header) throw new Error(`tsserver: bad header ${this.buffer.subarray(0, headerEnd).toString("utf8")}`);
      const start = headerEnd + 4;
      const length = Number(header[1]);
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString("utf8")) as { type: string; request_seq?: number } & Response;
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === "response" && message.request_seq !== undefined) {
        this.pending.get(message.request_seq)?.(message);
        this.pending.delete(message.request_seq);
      }
    }
  }
}

/** protocol.Location (1-based line and offset) → position in `text`. */
export function positionOf(text: string, location: { line: number; offset: number }): number {
  let position = 0;
  for (let line = 1; line < location.line; line++) position = text.indexOf("\n", position) + 1;
  return position + location.offset - 1;
}

/** Line and offset (1-based) of the first occurrence of `needle` in `text` (plus `delta` characters). */
export function locationOf(text: string, needle: string, delta = 0): { line: number; offset: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`'${needle}' not in text`);
  const position = index + delta;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  return { line, offset: position - before.lastIndexOf("\n") };
}

export interface TextChange {
  readonly start: { line: number; offset: number };
  readonly end: { line: number; offset: number };
  readonly newText: string;
}

/** Applies a code fix's text changes (protocol form) to `text`. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const spans = changes.map((c) => ({ start: positionOf(text, c.start), end: positionOf(text, c.end), newText: c.newText }));
  spans.sort((a, b) => b.start - a.start);
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  return result;
}
