/**
 * Where `load` reads from, per entry's platform (runtime/platform): in Node a path, a
 * file: URL or an http URL (fetched); in the browser build a URL (fetched) and no file
 * writes. Both platforms are exercised in this process against a loopback server.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load, save, ScriptModule, type Tensor } from "../../runtime/index.js";
import { platform as browserPlatform } from "../../runtime/platform/browser.js";
import { expectTsjitError, HAND_MADE_INPUT, handMadeModule } from "./helpers.js";

let bytes: Uint8Array;
let file: string;
let server: Server;
let base: string;

beforeAll(async () => {
  bytes = await save(handMadeModule());
  file = join(mkdtempSync(join(tmpdir(), "tsjit-sources-")), "m.tsjit");
  writeFileSync(file, bytes);
  server = createServer((request, response) => (request.url === "/m.tsjit" ? response.writeHead(200).end(bytes) : response.writeHead(404, "Not Found").end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(() => {
  server.close();
});

async function outputOf(loaded: unknown): Promise<number[]> {
  expect(loaded).toBeInstanceOf(ScriptModule);
  return ((loaded as ScriptModule).forward(HAND_MADE_INPUT()) as Tensor).tolist() as number[];
}

describe("load sources", () => {
  it("Node: a path, a file: URL and an http URL give the same module", async () => {
    const want = await outputOf(await load(bytes));
    expect(await outputOf(await load(file))).toEqual(want);
    expect(await outputOf(await load(pathToFileURL(file)))).toEqual(want);
    expect(await outputOf(await load(new URL("m.tsjit", base)))).toEqual(want);
  });

  it("Node: a URL that is not there is an INVALID_ARGUMENT naming it and the status", async () => {
    const error = await expectTsjitError(() => load(new URL("missing.tsjit", base)), "INVALID_ARGUMENT");
    expect(error.message).toBe(`load(): cannot fetch ${base}missing.tsjit: HTTP 404 Not Found`);
  });

  it("browser platform: fetches URLs, refuses a relative string without a page and any file write", async () => {
    expect(await browserPlatform.readBytes(new URL("m.tsjit", base), "load()")).toEqual(bytes);
    expect(await browserPlatform.readBytes(`${base}m.tsjit`, "load()")).toEqual(bytes);
    expect((await expectTsjitError(() => browserPlatform.readBytes("m.tsjit", "load()"), "INVALID_ARGUMENT")).message).toContain('"m.tsjit" is not a URL');
    expect((await expectTsjitError(() => browserPlatform.writeBytes("m.tsjit", bytes, "save()"), "INVALID_ARGUMENT")).message).toContain("the browser build has no file system");
    expect(browserPlatform.loadNativeBackend().backend).toBeNull();
  });
});
