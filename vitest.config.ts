import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{orchestrator,infra,workspace-ui,policies,e2e,images}/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
