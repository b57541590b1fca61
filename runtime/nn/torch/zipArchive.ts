/**
 * The zip container `torch.save` writes (PyTorch >= 1.6): every entry stored
 * uncompressed under one top-level folder whose name varies (`archive/`, or the
 * file's stem in older versions), holding `data.pkl`, `data/<storage key>` and
 * `version`. Reading goes through fflate; this module only names what is missing.
 */
import { unzipSync } from "fflate";
import { fail } from "../../errors.js";

export interface TorchArchive {
  /** The top-level folder every entry sits in, e.g. "archive". */
  readonly root: string;
  /** Entries by their path inside `root` ("data.pkl", "data/0", "version"). */
  readonly entries: ReadonlyMap<string, Uint8Array>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function readTorchArchive(bytes: Uint8Array, source: string): TorchArchive {
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    const legacy = bytes[0] === 0x80 ? " (it starts with a pickle: the legacy format torch.save wrote before 1.6, which tsjit does not read; re-save with a newer PyTorch)" : "";
    fail("INVALID_FILE", `${source}: not a torch.save zip archive: byte offset 0 holds ${hex(bytes.subarray(0, 4))}, expected the zip signature 50 4b 03 04${legacy}`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    fail("INVALID_FILE", `${source}: the zip archive (${bytes.length} bytes) is truncated or corrupt: ${(error as Error).message}`);
  }
  const names = Object.keys(files);
  const pickleName = names.find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined) {
    fail("INVALID_FILE", `${source}: the zip archive has no <folder>/data.pkl entry (entries: ${names.slice(0, 8).join(", ") || "none"})`);
  }
  const root = pickleName.slice(0, pickleName.indexOf("/"));
  const entries = new Map<string, Uint8Array>();
  for (const name of names) {
    if (name.startsWith(`${root}/`)) entries.set(name.slice(root.length + 1), files[name]!);
  }
  return { root, entries };
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing";
}
