import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the UI is served by Vite and talks to the orchestrator through this proxy.
const orchestrator = process.env.SPE_ORCHESTRATOR_URL ?? "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/trpc": orchestrator,
      "/auth": orchestrator,
      "/healthz": orchestrator,
      "/.well-known": orchestrator,
      // The airlock's file routes; /exports/<id> and /reviews/<id> themselves are pages of the app.
      "^/exports/[^/]+/(files|release-record)": orchestrator,
      "^/reviews/[^/]+/file": orchestrator,
    },
  },
  build: { outDir: "dist", emptyOutDir: true, reportCompressedSize: true },
});
