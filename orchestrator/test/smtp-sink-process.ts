import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("./smtp-sink.ts", import.meta.url));

export interface SmtpSink {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The SMTP server of smtp-sink.ts as a process of its own on `port`; stopped and started again for outages. */
export function smtpSink(port: number, mailDir: string, refuse: string[] = []): SmtpSink {
  let child: ChildProcess | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    start: () =>
      new Promise<void>((resolve, reject) => {
        const started = spawn(process.execPath, ["--import", "tsx", main], {
          env: { ...process.env, PORT: String(port), MAIL_DIR: mailDir, REFUSE_RECIPIENTS: refuse.join(",") },
          stdio: ["ignore", "pipe", "pipe"],
        });
        child = started;
        let stderr = "";
        started.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        started.stdout!.once("data", () => resolve());
        started.once("exit", (code) => reject(new Error(`The SMTP server exited (${code}): ${stderr}`)));
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const running = child;
        child = undefined;
        if (!running || running.exitCode !== null) return resolve();
        running.once("exit", () => resolve());
        running.kill("SIGTERM");
      }),
  };
}
