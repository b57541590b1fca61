/**
 * The `tsjit` command line (bin/tsjit.js): `tsjit <command> [options]`, one module
 * per command. Commands take their own argv and return the exit code (command.ts).
 */
import { readFile } from "node:fs/promises";
import { EXIT_OK, EXIT_USAGE } from "./command.js";
import { EXPORT_ONNX_USAGE, exportOnnxCommand } from "./exportOnnx.js";
import { INSPECT_USAGE, inspectCommand } from "./inspect.js";
import { RUN_USAGE, runModelCommand } from "./run.js";

interface CommandEntry {
  /** One line for `tsjit --help`. */
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[]): Promise<number>;
}

const COMMANDS: ReadonlyMap<string, CommandEntry> = new Map([
  ["inspect", { summary: "list a model file's methods and tensors, or a weights file's tensors", usage: INSPECT_USAGE, run: inspectCommand }],
  ["run", { summary: "run a saved model's method on inputs given as JSON or .npy", usage: RUN_USAGE, run: runModelCommand }],
  ["export-onnx", { summary: "write a saved model's forward as an ONNX model", usage: EXPORT_ONNX_USAGE, run: exportOnnxCommand }],
]);

const USAGE = `Usage: tsjit <command> [options]

Commands:
${[...COMMANDS].map(([name, entry]) => `  ${name.padEnd(12)} ${entry.summary}`).join("\n")}

Run \`tsjit <command> --help\` for a command's options.

Options:
  -h, --help      show this help
  -v, --version   show tsjit's version`;

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined ? undefined : COMMANDS.get(first);
  if (command !== undefined) return command.run(rest);
  if (first === "-h" || first === "--help") {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (first === "-v" || first === "--version") {
    console.log(await packageVersion());
    return EXIT_OK;
  }
  console.error(first === undefined ? USAGE : `tsjit: unknown command '${first}'\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** The version in tsjit's package.json, the nearest one above this module (in dist/ or, in tests, the source). */
async function packageVersion(): Promise<string> {
  for (let url = new URL("./", import.meta.url); url.pathname !== "/"; url = new URL("../", url)) {
    const manifest = await readFile(new URL("package.json", url), "utf8").then((text) => JSON.parse(text) as { name?: string; version: string }, () => undefined);
    if (manifest?.name === "tsjit") return manifest.version;
  }
  return "unknown";
}
