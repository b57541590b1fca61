/** In-process runs of the `tsjit` CLI: main(argv) with console output captured, and model files to run it on. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { main } from "../../runtime/cli/main.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((message: unknown) => void stdout.push(String(message)));
  const error = vi.spyOn(console, "error").mockImplementation((message: unknown) => void stderr.push(String(message)));
  try {
    const code = await main(argv);
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Writes `bytes` to a new file `name` in a fresh temporary folder and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  const path = join(mkdtempSync(join(tmpdir(), "tsjit-cli-")), name);
  writeFileSync(path, bytes);
  return path;
}
