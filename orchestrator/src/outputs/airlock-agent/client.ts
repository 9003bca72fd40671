import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { SpeError, type SpeErrorCode } from "../../errors";
import type { OutboxEntry } from "./outbox";

export type { OutboxEntry } from "./outbox";

const listing = z.array(z.object({ path: z.string().min(1), size: z.number().int().min(0), modified: z.string() }));
const agentError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const PASSED_ON: readonly string[] = [
  "OUTBOX_PATH_INVALID",
  "OUTBOX_PATH_REFUSED",
  "OUTBOX_FILE_NOT_FOUND",
] satisfies SpeErrorCode[];

/** What was written by a download: the SHA-256 (hex) and size of exactly the bytes on disk. */
export interface Download {
  sha256: string;
  size: number;
}

export interface AirlockAgentClient {
  /** Every regular file in the outbox (relative POSIX paths, sorted). */
  list(): Promise<OutboxEntry[]>;
  /**
   * Streams the file at `path` (relative to the outbox) into `destination`, which must not exist yet,
   * hashing as it writes. Refuses past `maxBytes` (EXPORT_FILE_REFUSED) and when fewer bytes arrive than
   * announced (AIRLOCK_AGENT_FAILED); on any failure the partial destination is removed.
   */
  download(path: string, destination: string, options?: { maxBytes?: number }): Promise<Download>;
}

/**
 * A client of one airlock agent (`baseUrl`, e.g. `http://airlock-agent.<namespace>.svc:8080`). The agent's
 * refusals come back as SpeError with its code (OUTBOX_PATH_INVALID, OUTBOX_PATH_REFUSED,
 * OUTBOX_FILE_NOT_FOUND); anything else, unreachable included, as AIRLOCK_AGENT_FAILED.
 */
export function airlockAgentClient(baseUrl: string): AirlockAgentClient {
  const base = baseUrl.replace(/\/+$/, "");
  const get = async (route: string) => {
    const res = await fetch(`${base}${route}`).catch((err: unknown) => {
      throw new SpeError(
        "AIRLOCK_AGENT_FAILED",
        `The airlock agent at ${base} cannot be reached: ${(err as Error).message}`,
        { cause: err },
      );
    });
    if (!res.ok) throw await refusal(res);
    return res;
  };
  return {
    async list() {
      const parsed = listing.safeParse(await (await get("/files")).json());
      if (!parsed.success)
        throw new SpeError(
          "AIRLOCK_AGENT_FAILED",
          `The airlock agent's file list is not what was expected: ${parsed.error.message}`,
        );
      return parsed.data;
    },
    async download(path, destination, { maxBytes = Number.POSITIVE_INFINITY } = {}) {
      const segments = path.split("/");
      // fetch would resolve ".." itself and ask for another route; say what is wrong instead.
      if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\0")))
        throw new SpeError("OUTBOX_PATH_INVALID", `${JSON.stringify(path)} is not a relative path inside the outbox.`);
      const res = await get(`/files/${segments.map(encodeURIComponent).join("/")}`);
      const announced = Number(res.headers.get("content-length"));
      if (!res.body || !Number.isInteger(announced))
        throw new SpeError("AIRLOCK_AGENT_FAILED", `The airlock agent sent ${path} without a length.`);
      if (announced > maxBytes) {
        await res.body.cancel();
        throw tooLarge(path, maxBytes);
      }
      const hash = createHash("sha256");
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > maxBytes) return done(tooLarge(path, maxBytes));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(
          Readable.fromWeb(res.body as WebReadableStream),
          measure,
          createWriteStream(destination, { flags: "wx", mode: 0o600 }),
        );
        if (size !== announced)
          throw new SpeError(
            "AIRLOCK_AGENT_FAILED",
            `${path}: ${size} bytes arrived of ${announced} announced (did it change while being copied?).`,
          );
      } catch (err) {
        // "wx" failing means the destination was there before us: it is not ours to remove.
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") await rm(destination, { force: true });
        if (err instanceof SpeError || (err as NodeJS.ErrnoException).code === "EEXIST") throw err;
        throw new SpeError(
          "AIRLOCK_AGENT_FAILED",
          `Copying ${path} from the airlock agent failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
      return { sha256: hash.digest("hex"), size };
    },
  };
}

async function refusal(res: Response): Promise<SpeError> {
  const body = agentError.safeParse(await res.json().catch(() => undefined));
  if (body.success && PASSED_ON.includes(body.data.error.code))
    return new SpeError(body.data.error.code as SpeErrorCode, body.data.error.message);
  const detail = body.success ? `${body.data.error.code}: ${body.data.error.message}` : `HTTP ${res.status}`;
  return new SpeError("AIRLOCK_AGENT_FAILED", `The airlock agent refused: ${detail}`);
}

function tooLarge(path: string, maxBytes: number): SpeError {
  return new SpeError(
    "EXPORT_FILE_REFUSED",
    `${path} is larger than ${maxBytes} bytes, the most that may leave in one file.`,
  );
}
