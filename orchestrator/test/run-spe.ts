import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const spe = fileURLToPath(new URL("../bin/spe.js", import.meta.url));

export interface SpeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `spe` command in a child process, as a person or a script would. The variables in
 * `isolate` are taken from the test's own environment only if `env` sets them.
 */
export function runSpe(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; isolate?: string[] } = {},
): Promise<SpeRun> {
  const env = options.env ?? {};
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const key of options.isolate ?? []) if (!(key in env)) delete childEnv[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [spe, ...args], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
