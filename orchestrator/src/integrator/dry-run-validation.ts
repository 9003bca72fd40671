import { randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type ExtractReport, type DatasetDescriptor, validateExtract } from "../datasets";
import { writeUpload } from "../deliveries/write-upload";

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
  try {
    return { path, ...(await writeUpload(body, path, maxBytes)) };
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/** The dry run of a delivery: the same checks and findings, on a received upload; nothing is kept. */
export function validateUpload(
  upload: ReceivedUpload,
  descriptor: DatasetDescriptor,
  maxBytes: number,
): Promise<ExtractReport> {
  return validateExtract({ input: upload.path, descriptor, maxBytes });
}
