import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ExtractReport } from "../datasets/extract-issues";
import type { DatasetDescriptor } from "../datasets/descriptor";
import { validateExtract } from "../datasets/validate-extract";
import { SpeError } from "../errors";

/** A received upload, on disk while it is checked. */
export interface ReceivedUpload {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Writes an upload to a new file in `dir` (owner-only), hashing it as it streams; refuses past `maxBytes`
 * and leaves no file behind when it does. The caller deletes the file when done with it.
 */
export async function receiveUpload(body: Readable, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `dry-run-${randomUUID()}`);
  const hash = createHash("sha256");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new SpeError("DELIVERY_TOO_LARGE", `The extract is larger than ${maxBytes} bytes, the most one delivery may carry. Split it or ask the operators.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, measure, createWriteStream(path, { flags: "wx", mode: 0o600 }));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, bytes, sha256: hash.digest("hex") };
}

/** The dry run of a delivery: the same checks and findings, on a received upload; nothing is kept. */
export function validateUpload(upload: ReceivedUpload, descriptor: DatasetDescriptor, maxBytes: number): Promise<ExtractReport> {
  return validateExtract({ input: upload.path, descriptor, maxBytes });
}
