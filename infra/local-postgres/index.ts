import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, runToCompletion, startProcess, tailOf } from "../local-cluster/processes";

export interface LocalPostgres {
  /** postgres://spe@127.0.0.1:<port>/postgres — trust authentication on loopback only. */
  url: string;
  stop(): Promise<void>;
}

const USER = "spe";

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BIN) return existsSync(join(env.PG_BIN, "postgres")) ? env.PG_BIN : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, "bin")).find((bin) => existsSync(join(bin, "postgres")));
}

async function waitForConnection(
  url: string,
  deadline: number,
  logFile: string,
  exited: () => string | undefined,
): Promise<void> {
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (exited() !== undefined || Date.now() > deadline)
        throw new Error(
          `PostgreSQL did not accept connections (${(err as Error).message}); its log is ${logFile}:\n${tailOf(logFile)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts a throw-away PostgreSQL server on loopback for tests: initdb into a temporary folder, no fsync.
 * As root it runs as the `postgres` system user, since PostgreSQL refuses to run as root.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      "PostgreSQL is not installed: install the server (Debian: apt-get install postgresql), set PG_BIN to its bin folder, or set TEST_DATABASE_URL.",
    );
  const user = userInfo().uid === 0 ? "postgres" : undefined;
  const dir = mkdtempSync(join(tmpdir(), "spe-postgres-"));
  const data = join(dir, "data");
  if (user) {
    const uid = Number(runToCompletion("id", ["-u", user]).trim());
    const gid = Number(runToCompletion("id", ["-g", user]).trim());
    chownSync(dir, uid, gid);
  }
  runToCompletion(
    join(bin, "initdb"),
    ["-D", data, "-U", USER, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
    { user },
  );
  const port = await freePort();
  const logFile = join(dir, "postgres.log");
  const server = startProcess(
    "postgres",
    join(bin, "postgres"),
    [
      "-D",
      data,
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    logFile,
    { user },
  );
  const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  try {
    await waitForConnection(url, Date.now() + 20_000, logFile, server.exited);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
