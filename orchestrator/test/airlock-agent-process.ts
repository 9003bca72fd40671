import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "@spe/infra/local-cluster";

const main = fileURLToPath(new URL("../src/outputs/airlock-agent/main.ts", import.meta.url));

export interface AirlockAgentProcess {
  url: string;
  stop(): Promise<void>;
}

/** The real airlock agent as its own process over `outboxDir`, on a free loopback port, once it answers. */
export async function startAirlockAgent(outboxDir: string): Promise<AirlockAgentProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, OUTBOX_DIR: outboxDir, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`The airlock agent exited (${child.exitCode}): ${stderr}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 200) throw new Error(`The airlock agent did not answer on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
