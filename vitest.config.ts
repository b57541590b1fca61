import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { lowerDecorators } from "./test/utils/lowerDecorators.js";

export default defineConfig({
  plugins: [lowerDecorators(/\/examples\//)],
  resolve: {
    // Examples import "tsjit" as a user would; in tests that is this checkout's source.
    alias: { tsjit: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/utils/summaryReporter.ts"],
    testTimeout: 30_000,
  },
});
