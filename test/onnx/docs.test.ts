/** docs/onnx.md's op lists are the mapping table's and the registry's (regenerate: paste the expected text). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../script/frontend/program.js";
import { OP_LIST_BEGIN, OP_LIST_END, opListMarkdown } from "./opList.js";

it("docs/onnx.md lists exactly the ops with and without an ONNX mapping", () => {
  const doc = readFileSync(join(ROOT, "docs/onnx.md"), "utf8");
  const begin = doc.indexOf(OP_LIST_BEGIN);
  const end = doc.indexOf(OP_LIST_END);
  expect(begin, "docs/onnx.md has the op list markers").toBeGreaterThanOrEqual(0);
  expect(doc.slice(begin + OP_LIST_BEGIN.length, end).trim()).toBe(opListMarkdown());
});
