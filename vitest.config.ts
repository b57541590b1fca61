import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/utils/summaryReporter.ts"],
    testTimeout: 30_000,
  },
});
