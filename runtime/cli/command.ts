/**
 * What every `tsjit` command shares: node:util parseArgs, `--help`, and exit codes
 * with one-line messages naming the command and what was wrong:
 * 0 success, 1 a bad input file (or a model that fails on the given inputs),
 * 2 a usage error (unknown option, missing file argument, wrong input count).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { TsjitError } from "../errors.js";

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

/** A problem with the command line itself; the command prints its usage after the message. */
export class UsageError extends TsjitError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: string[];
}

/**
 * Parses `argv` against `options` (plus -h/--help), runs `body`, and turns its
 * outcome into an exit code: UsageError -> 2 with the usage, TsjitError or a file
 * system error (missing file, a folder) -> 1; anything else is a bug and is rethrown.
 */
export async function runCommand(name: string, usage: string, argv: readonly string[], options: Options, body: (args: ParsedArgs) => Promise<void>): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(name, usage, (error as Error).message);
  }
  if (parsed.values.help) {
    console.log(usage);
    return EXIT_OK;
  }
  try {
    await body(parsed);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) return usageError(name, usage, error.message);
    if (error instanceof TsjitError || isFileSystemError(error)) {
      console.error(`tsjit ${name}: ${(error as Error).message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

/** Reads `path` as bytes (node:fs). */
export async function readInputFile(path: string): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  const buffer = await readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function usageError(name: string, usage: string, message: string): number {
  console.error(`tsjit ${name}: ${message}\n\n${usage}`);
  return EXIT_USAGE;
}

function isFileSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
}
