import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A control-plane process whose output goes to a log file. */
export interface ManagedProcess {
  name: string;
  logFile: string;
  /** Exit code or signal once it has ended; undefined while it runs. */
  exited(): string | undefined;
  stop(graceMs?: number): Promise<void>;
}

// setpriv (util-linux) sets PR_SET_PDEATHSIG before exec: the kernel kills the child when the Node process
// that started it dies, even by SIGKILL, so no etcd or API server outlives a killed test run.
const hasSetpriv = spawnSync("setpriv", ["--help"], { stdio: "ignore" }).status === 0;

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Runs as another user (by name) when given: PostgreSQL refuses to run as root. */
export interface ProcessOptions {
  user?: string;
  /** Added to this process's environment: for secrets that must not show in a process list's arguments. */
  env?: NodeJS.ProcessEnv;
}

function withSetpriv(binary: string, args: string[], options: ProcessOptions): [string, string[]] {
  const identity = options.user ? [`--reuid=${options.user}`, `--regid=${options.user}`, "--clear-groups"] : [];
  if (!hasSetpriv) {
    if (options.user) throw new Error(`setpriv (util-linux) is needed to run ${binary} as ${options.user}`);
    return [binary, args];
  }
  return ["setpriv", ["--pdeathsig", "KILL", ...identity, "--", binary, ...args]];
}

/** Runs a short command to completion, as options.user if given; throws with its output when it fails. */
export function runToCompletion(binary: string, args: string[], options: ProcessOptions = {}): string {
  const [command, argv] = withSetpriv(binary, args, options);
  const result = spawnSync(command, argv, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${binary} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * The same as runToCompletion without holding the event loop meanwhile: for commands that take seconds (an
 * image import) in a process that must go on serving, as `npm start`'s orchestrator does while its node starts.
 */
export function runCommand(
  binary: string,
  args: string[],
  options: ProcessOptions & { cwd?: string } = {},
): Promise<string> {
  const [command, argv] = withSetpriv(binary, args, options);
  return new Promise((resolve, reject) =>
    execFile(
      command,
      argv,
      { encoding: "utf8", cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why =
          typeof error.code === "number"
            ? `exit ${error.code}`
            : error.signal
              ? `signal ${error.signal}`
              : error.message;
        reject(new Error(`${binary} ${args.join(" ")} failed (${why}):\n${stdout}${stderr}`));
      },
    ),
  );
}

export function startProcess(
  name: string,
  binary: string,
  args: string[],
  logFile: string,
  options: ProcessOptions = {},
): ManagedProcess {
  const fd = openSync(logFile, "a");
  const [command, argv] = withSetpriv(binary, args, options);
  // A process group of its own (when setpriv ties it to our life): a terminal's Ctrl-C goes to the Node
  // process alone, which stops its children in order (the local node's containers need a running containerd).
  const child = spawn(command, argv, {
    stdio: ["ignore", fd, fd],
    env: options.env && { ...process.env, ...options.env },
    detached: hasSetpriv,
  });
  closeSync(fd);
  running.add(child);
  let exit: string | undefined;
  const ended = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exit = signal ?? `exit code ${code}`;
      running.delete(child);
      resolve();
    });
    child.on("error", (err) => {
      exit = err.message;
      running.delete(child);
      resolve();
    });
  });
  return {
    name,
    logFile,
    exited: () => exit,
    async stop(graceMs = 5000) {
      if (exit !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await ended;
      clearTimeout(timer);
    },
  };
}

/** The last lines of a log file, for error messages. */
export function tailOf(logFile: string, lines = 12): string {
  try {
    return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** A port that was free on loopback a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
