import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The development IdP in a child process (see support/dev-idp-process.ts): its async hooks stay out of the measured server. */
export async function devIdentityProviderProcess(idpPort: number, appUrl: string) {
  const script = fileURLToPath(new URL("dev-idp-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, "--port", String(idpPort), "--app-url", appUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit").then(([code]) =>
    Promise.reject(new Error(`the development IdP exited (${code}) before it started`)),
  );
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), "line"), exited])) as [string];
  exited.catch(() => {});
  const started = JSON.parse(line) as { issuer: string; clientId: string; clientSecret: string };
  const stop = async () => {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  return { ...started, stop };
}
