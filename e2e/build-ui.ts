import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

/** Builds the UI as `npm start` serves it, into a temporary folder. */
export async function buildUi(): Promise<string> {
  const outDir = join(mkdtempSync(join(tmpdir(), "spe-ui-")), "dist");
  const root = fileURLToPath(new URL("../workspace-ui/", import.meta.url));
  await build({
    root,
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
