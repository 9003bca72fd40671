import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import {
  dataManifest,
  LOADER_TOKEN_HEADER,
  MANIFEST_FILE,
  PARTIAL_DIR,
  planLoad,
  type LoaderEnvironment,
  type PlannedFile,
} from "./loader-plan";

export type LoaderErrorCode = "LOADER_FETCH_FAILED" | "LOADER_REFUSED" | "LOADER_HASH_MISMATCH";

export class LoaderError extends Error {
  constructor(
    readonly code: LoaderErrorCode,
    message: string,
    options?: { cause?: unknown; transient?: boolean; retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.transient = options?.transient ?? false;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** Worth trying again in a moment (the orchestrator restarting, say); a refusal or a wrong hash is not. */
  readonly transient: boolean;
  /** How long the server asked to wait before trying again (Retry-After), if it said. */
  readonly retryAfterMs: number | undefined;
}

/**
 * Answers that say "not now" rather than "no". 429: the staging endpoint's refusal limit, which a loader
 * with valid capabilities should not meet; if it does (an address shared with something misbehaving), it
 * waits as asked rather than failing the Job.
 */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** The longest pause of the loader's own backoff. */
const MAX_BACKOFF_MS = 30_000;
/** The longest pause between two tries of a file, whatever Retry-After asks (the endpoint's window is a minute). */
export const MAX_PAUSE_MS = 60_000;

/** Retry-After in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; Date.parse alone would take "-5" for a year.
  const at = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The pause before try `attempt + 1`: doubling from 0.5 s up to 30 s, or what the server asked if longer, at most MAX_PAUSE_MS. */
export function pauseBeforeRetry(attempt: number, askedMs?: number): number {
  return Math.min(Math.max(Math.min(500 * 2 ** (attempt - 1), MAX_BACKOFF_MS), askedMs ?? 0), MAX_PAUSE_MS);
}

export interface LoadOutcome {
  /** Targets fetched in this run. */
  fetched: string[];
  /** Targets already in place with the right hash. */
  kept: string[];
  /** Paths removed because nothing staged names them any more. */
  removed: string[];
}

type Log = (msg: string, fields: Record<string, unknown>) => void;

/**
 * Makes the data volume hold exactly what is staged: removes what is no longer staged, fetches each file
 * that is missing or differs, checks its SHA-256 before it takes its place (a rename on the same volume,
 * so the workspace never sees half a file), then writes MANIFEST.json. Running it again fetches nothing.
 */
export async function loadData(env: LoaderEnvironment, log: Log = () => {}): Promise<LoadOutcome> {
  const root = env.SPE_DATA_DIR;
  const plan = planLoad(env);
  const partial = join(root, PARTIAL_DIR);
  // Whatever an earlier, interrupted run left half-written goes first.
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true, mode: 0o700 });
  // Data the permit no longer covers leaves before anything new comes in (and frees the space for it).
  const removed = await removeUnplanned(root, new Set([...plan.map((p) => p.target), MANIFEST_FILE, PARTIAL_DIR]));
  for (const path of removed) log("Removed file no longer staged", { path });

  const outcome: LoadOutcome = { fetched: [], kept: [], removed };
  const bytes = new Map<string, number>();
  try {
    for (const file of plan) {
      const destination = join(root, file.target);
      const present = await regularFileHash(destination);
      if (present?.sha256 === file.sha256) {
        outcome.kept.push(file.target);
        bytes.set(file.target, present.bytes);
        continue;
      }
      const fetched = await fetchPatiently(
        file,
        partial,
        env.SPE_RETRY_SECONDS * 1000,
        log,
        env.SPE_STAGING_TOKEN_FILE,
      );
      await mkdir(dirname(destination), { recursive: true });
      if (present === null) await rm(destination, { recursive: true, force: true });
      await rename(fetched.path, destination);
      outcome.fetched.push(file.target);
      bytes.set(file.target, fetched.bytes);
      log("Loaded file", { path: file.target, sha256: file.sha256, bytes: fetched.bytes });
    }
    const manifest = join(partial, randomUUID());
    await writeDurably(
      manifest,
      `${JSON.stringify(
        dataManifest(env, (t) => bytes.get(t)!),
        null,
        2,
      )}\n`,
    );
    await rename(manifest, join(root, MANIFEST_FILE));
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return outcome;
}

/**
 * fetchVerified, tried again with growing pauses while failures are transient and `retryForMs` lasts: an
 * orchestrator that restarts or rolls out should not use up the Job's few retries (backoffLimit), which
 * are there for failures that persist and end in DataStaged=LoadFailed.
 */
async function fetchPatiently(
  file: PlannedFile,
  partial: string,
  retryForMs: number,
  log: Log,
  tokenFile: string | undefined,
): Promise<{ path: string; bytes: number }> {
  const deadline = Date.now() + retryForMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchVerified(file, join(partial, randomUUID()), tokenFile);
    } catch (err) {
      if (!(err instanceof LoaderError) || !err.transient) throw err;
      const pauseMs = pauseBeforeRetry(attempt, err.retryAfterMs);
      if (Date.now() + pauseMs > deadline) throw err;
      log("Retrying file after a transient failure", {
        path: file.target,
        code: err.code,
        attempt,
        pauseMs,
        reason: err.message,
      });
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** GETs one staged file into `path` as it streams, hashing on the way; the file is whole, synced and right, or gone. */
async function fetchVerified(
  file: PlannedFile,
  path: string,
  tokenFile: string | undefined,
): Promise<{ path: string; bytes: number }> {
  let res: Response;
  try {
    // Read for every request: the kubelet replaces the pod's token before it expires, so a retry sends a fresh one.
    const token = tokenFile ? (await readFile(tokenFile, "utf8")).trim() : undefined;
    res = await fetch(file.url, {
      headers: {
        ...(file.capability ? { authorization: `Bearer ${file.capability}` } : {}),
        ...(token ? { [LOADER_TOKEN_HEADER]: token } : {}),
      },
    });
  } catch (err) {
    throw new LoaderError("LOADER_FETCH_FAILED", `GET ${file.url} failed: ${describe(err)}. The Job will try again.`, {
      cause: err,
      transient: true,
    });
  }
  if (!res.ok || !res.body)
    throw new LoaderError("LOADER_REFUSED", `GET ${file.url} was answered ${res.status}: ${await refusalOf(res)}`, {
      transient: TRANSIENT_STATUSES.has(res.status),
      retryAfterMs: retryAfterMs(res.headers.get("retry-after")),
    });
  const hash = createHash("sha256");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(res.body as ReadableStream),
      measure,
      createWriteStream(path, { flags: "wx", mode: 0o600 }),
    );
    const sha256 = hash.digest("hex");
    if (sha256 !== file.sha256)
      throw new LoaderError(
        "LOADER_HASH_MISMATCH",
        `${file.target} from ${file.url} has SHA-256 ${sha256}, not the staged ${file.sha256}: it was changed on the way or in staging. Nothing of it was kept.`,
      );
    await chmod(path, 0o444);
    await syncFile(path);
    return { path, bytes };
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof LoaderError) throw err;
    throw new LoaderError(
      "LOADER_FETCH_FAILED",
      `Reading ${file.target} from ${file.url} failed after ${bytes} bytes: ${describe(err)}. Nothing of it was kept.`,
      { cause: err, transient: true },
    );
  }
}

/** The endpoint's `{ error, message }`, or the start of whatever else it sent. Never the capability. */
async function refusalOf(res: Response): Promise<string> {
  const text = (await res.text().catch(() => "")).slice(0, 1000);
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    if (body.error) return `${body.error}: ${body.message ?? ""}`;
  } catch {
    // Not ours (a proxy's page, say): show its start.
  }
  return text || res.statusText;
}

const describe = (err: unknown) => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return [(err as Error).message, cause?.code ?? cause?.message].filter(Boolean).join(": ");
};

/** The hash and size of a regular file; undefined when nothing is there; null when something else is (a folder, a link). */
async function regularFileHash(path: string): Promise<{ sha256: string; bytes: number } | null | undefined> {
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) =>
    err.code === "ENOENT" || err.code === "ENOTDIR" ? undefined : Promise.reject(err),
  );
  if (!stat) return undefined;
  if (!stat.isFile()) return null;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return { sha256: hash.digest("hex"), bytes: stat.size };
}

/** Removes every entry under `root` whose path is not wanted (nor a folder on the way to one), and folders left empty. */
async function removeUnplanned(root: string, wanted: Set<string>, prefix = ""): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(join(root, prefix), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) =>
    err.code === "ENOENT" ? [] : Promise.reject(err),
  );
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (wanted.has(path)) continue;
    const onTheWay = [...wanted].some((w) => w.startsWith(`${path}/`));
    if (entry.isDirectory() && onTheWay) {
      removed.push(...(await removeUnplanned(root, wanted, path)));
      continue;
    }
    await rm(join(root, path), { recursive: true, force: true });
    removed.push(path);
  }
  if (prefix && (await readdir(join(root, prefix))).length === 0) await rmdir(join(root, prefix));
  return removed;
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", 0o444);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
