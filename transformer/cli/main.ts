/**
 * The `tsjit` command line. Today: `tsjit inspect <file.safetensors>`, which lists
 * the tensors a weights file holds so they can be matched to a module's state dict.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { decodeSafetensors } from "../../runtime/nn/safetensors.js";
import { TsjitError } from "../../runtime/errors.js";

const USAGE = `Usage: tsjit <command> [options]

Commands:
  inspect <file.safetensors>   list every tensor's name, dtype and shape, and the file's metadata

Options:
  -h, --help      show this help
  -v, --version   show tsjit's version`;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(await packageVersion());
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== "inspect") return usageError(`unknown command '${command}'`);
  if (rest.length !== 1) return usageError(`inspect takes exactly one file, got ${rest.length}`);
  try {
    console.log(await inspect(rest[0]!));
    return 0;
  } catch (error) {
    if (error instanceof TsjitError || (error as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`tsjit inspect: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

export async function inspect(path: string): Promise<string> {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(path)));
  const rows = [...tensors].map(([name, t]) => [name, t.dtype, `[${t.shape.join(", ")}]`, String(t.numel())]);
  const header = ["name", "dtype", "shape", "elements"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const total = [...tensors.values()].reduce((sum, t) => sum + t.numel(), 0);
  const lines = [`${path}: ${tensors.size} tensors, ${total} elements`, line(header), ...rows.map(line)];
  if (metadata.size > 0) lines.push("metadata:", ...[...metadata].map(([k, v]) => `  ${k}: ${v}`));
  return lines.join("\n");
}

async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

function usageError(message: string): number {
  console.error(`tsjit: ${message}\n\n${USAGE}`);
  return 2;
}
