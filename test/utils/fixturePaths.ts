/**
 * Where ../shared/fixtures is: beside the project root (the folder holding tsjit's
 * package.json), whether this file runs from its source or from dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "tsjit") return dir;
    dir = dirname(dir);
  }
  throw new Error(`no tsjit package.json above ${fileURLToPath(import.meta.url)}`);
}

export const FIXTURES = resolve(projectRoot(), "../shared/fixtures");
