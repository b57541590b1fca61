/** Bytes of a URL through `fetch`, the one way both entries read a non-file URL. */
import { fail } from "../errors.js";

export async function fetchBytes(url: URL, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    fail("INVALID_ARGUMENT", `${what}: cannot fetch ${url.href}: ${(error as Error).message}`);
  }
  if (!response.ok) fail("INVALID_ARGUMENT", `${what}: cannot fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
