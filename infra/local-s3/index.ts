import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startProcess, tailOf } from "../local-cluster/processes";
import type { Progress } from "../local-cluster/binaries";
import { ensureVersitygw } from "./binary";
import { LocalS3Error } from "./errors";

export { ensureVersitygw, s3CacheDir, VERSITYGW_VERSION } from "./binary";
export { LocalS3Error, type LocalS3ErrorCode } from "./errors";

export interface LocalS3 {
  /** http://127.0.0.1:<port>: path-style addressing, region us-east-1. */
  endpoint: string;
  region: string;
  /** The buckets asked for, made empty. */
  buckets: string[];
  /** JSON `{ accessKeyId, secretAccessKey }` (owner-only), as STAGING_S3_CREDENTIALS_FILE reads it. */
  credentialsFile: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export interface LocalS3Options {
  buckets?: string[];
  progress?: Progress;
}

async function waitForAnswer(
  endpoint: string,
  deadline: number,
  logFile: string,
  exited: () => string | undefined,
): Promise<void> {
  for (;;) {
    // Any HTTP answer (an anonymous request is refused with 403) means it listens.
    const answered = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (answered) return;
    if (exited() !== undefined || Date.now() > deadline)
      throw new LocalS3Error(
        "S3_START_FAILED",
        `The local S3 server did not answer at ${endpoint} (${exited() ?? "still starting"}); its log is ${logFile}:\n${tailOf(logFile)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a throw-away S3-compatible server on loopback for tests: versitygw (built from the Go module proxy
 * once per machine) over a temporary folder, with random root credentials and the asked-for buckets.
 * Metadata goes to a sidecar folder, so the file system needs no extended attributes.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const binary = await ensureVersitygw(options.progress);
  const dir = mkdtempSync(join(tmpdir(), "spe-s3-"));
  const root = join(dir, "buckets");
  const sidecar = join(dir, "metadata");
  const buckets = options.buckets ?? ["spe-staging"];
  // A bucket of the POSIX back end is a top-level folder.
  for (const bucket of buckets) mkdirSync(join(root, bucket), { recursive: true });
  mkdirSync(sidecar);
  const credentials = {
    accessKeyId: `spe-${randomBytes(6).toString("hex")}`,
    secretAccessKey: randomBytes(24).toString("base64url"),
  };
  const credentialsFile = join(dir, "credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = join(dir, "versitygw.log");
  const server = startProcess(
    "versitygw",
    binary,
    ["--port", `127.0.0.1:${port}`, "--quiet", "posix", "--sidecar", sidecar, root],
    logFile,
    {
      env: { ROOT_ACCESS_KEY_ID: credentials.accessKeyId, ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    },
  );
  try {
    await waitForAnswer(endpoint, Date.now() + 20_000, logFile, server.exited);
  } catch (err) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint,
    region: "us-east-1",
    buckets,
    credentialsFile,
    credentials,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
