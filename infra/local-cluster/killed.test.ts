import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const processesIn = (dir: string) => spawnSync("pgrep", ["-f", dir], { encoding: "utf8" }).stdout.trim();

it("leaves no control-plane process behind when the process that started it is killed with SIGKILL", async () => {
  const dir = mkdtempSync(join(tmpdir(), "spe-killed-test-"));
  const index = fileURLToPath(new URL("./index.ts", import.meta.url));
  const script = `const { startLocalCluster } = await import(${JSON.stringify(index)});
    await startLocalCluster({ dir: ${JSON.stringify(join(dir, "cluster"))}, progress: () => {} });
    console.log("READY");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("READY") && resolve());
      child.on("exit", (code) => reject(new Error(`the cluster process ended early (${code})`)));
    });
    expect(processesIn(dir)).not.toBe("");
    child.kill("SIGKILL");
    const deadline = Date.now() + 10_000;
    while (processesIn(dir) !== "" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(processesIn(dir)).toBe("");
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
