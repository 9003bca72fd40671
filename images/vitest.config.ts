import { defineConfig } from "vitest/config";

// The image checks need no cluster or database, so they run without the global setup:
// npx vitest run --config images/vitest.config.ts
export default defineConfig({
  root: new URL("..", import.meta.url).pathname,
  test: { include: ["images/**/*.test.ts"], testTimeout: 60_000 },
});
