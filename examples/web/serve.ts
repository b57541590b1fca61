/**
 * Serves examples/web/page on loopback (`node dist/examples/web/serve.js [port]`; the
 * Chromium test starts it on a free port). Static files only, from that folder.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".map": "application/json", ".tsjit": "application/octet-stream" };

/** Starts serving `root` on 127.0.0.1:`port` (0: any free port); resolves with the server and its URL. */
export async function servePage(root: string, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname)).replace(/^([/\\])+/, "");
    const file = join(root, path === "" ? "index.html" : path);
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    readFile(file).then(
      (body) => response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("serve: no TCP address");
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = fileURLToPath(new URL("../../../examples/web/page/", import.meta.url));
  const { url } = await servePage(page, Number(process.argv[2] ?? 8080));
  console.log(`examples/web: ${url} (Ctrl-C stops)`);
}
