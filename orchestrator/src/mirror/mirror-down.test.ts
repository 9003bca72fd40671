// A mirror that is down, or that takes a connection and never answers, ends `pip install` with pip's own error
// in seconds, with exactly the variables a workspace gets (desired/package-mirror.ts): not a hang.
import { execFile } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { environmentConfigSchema } from "../environments/environment-config";
import type { EnvironmentInput } from "../environments/desired/environment-input";
import { pipEnvironment } from "../environments/desired/package-mirror";
import { examplePermit } from "../permits/test-fixtures";

const run = promisify(execFile);
const person = { id: "0123456789abcdef0123", token: "t".repeat(64), mirrorPassword: "m".repeat(64) };

async function pipAgainst(port: number) {
  const permit = examplePermit();
  const input: EnvironmentInput = {
    namespace: "spe-se-hdab-2026-0042",
    permit: { ...permit, environment: { ...permit.environment, software: "allowlisted" } },
    desiredState: "active",
    persons: [person],
  };
  const config = environmentConfigSchema.parse({ packageMirror: { url: `http://127.0.0.1:${port}` } });
  const env = Object.fromEntries(pipEnvironment(input, config, person).map((e) => [e.name, e.value!]));
  const started = Date.now();
  const outcome = await run("python3", ["-m", "pip", "download", "--no-deps", "-d", "/nonexistent-spe", "six"], {
    env: { PATH: process.env.PATH, PIP_CONFIG_FILE: "/dev/null", PIP_NO_INPUT: "1", ...env },
  }).then(
    () => ({ code: 0, output: "" }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
  return { ...outcome, seconds: (Date.now() - started) / 1000 };
}

describe("pip in a workspace when the mirror is not there", () => {
  let silent: Server;
  let silentPort: number;
  const held: Socket[] = [];

  beforeAll(async () => {
    // Takes every connection and never answers: a mirror that hangs, or a path that drops replies.
    silent = createServer((socket) => held.push(socket));
    silentPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, "127.0.0.1", resolve));
  });
  afterAll(() => {
    held.forEach((s) => s.destroy());
    silent?.close();
  });

  it("fails at once, saying the connection was refused, when nothing listens", async () => {
    const result = await pipAgainst(await freePort());
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Connection refused");
    expect(result.output).toContain("No matching distribution found for six");
    console.log(`pip gave up on a refused mirror after ${result.seconds.toFixed(1)} s`);
  }, 60_000);

  it("gives up after its read timeout and one retry when the mirror never answers", async () => {
    const result = await pipAgainst(silentPort);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Read timed out. (read timeout=10");
    expect(result.output).toContain("No matching distribution found for six");
    console.log(`pip gave up on a silent mirror after ${result.seconds.toFixed(1)} s`);
  }, 90_000);
});
