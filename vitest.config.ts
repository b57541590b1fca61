import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
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
