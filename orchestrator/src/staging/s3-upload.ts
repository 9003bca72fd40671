import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

/** Parts in flight at once: memory stays at about (this + 1) × the part size whatever the file's size. */
const PARTS_IN_FLIGHT = 3;

/** Cuts a stream into buffers of exactly `size` bytes (the last may be shorter, never empty unless the stream is). */
async function* partsOf(body: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    let rest = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    while (pendingBytes + rest.length >= size) {
      const take = size - pendingBytes;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending, size);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  yield Buffer.concat(pending, pendingBytes);
}

/**
 * Streams `body` into one object: a single PUT when it fits in one part, else a multipart upload with a few
 * parts in flight, aborted on any failure so that no half-uploaded parts stay billed in the bucket. The object
 * appears only when complete, so a reader never sees half a file.
 */
export async function uploadStream(
  client: S3Client,
  target: { Bucket: string; Key: string },
  body: Readable,
  partBytes: number,
  onAbortFailed?: (err: unknown, key: string) => void,
): Promise<void> {
  try {
    await upload(client, target, body, partBytes, onAbortFailed);
  } catch (err) {
    // Whichever step failed (a PUT, starting the upload, a part), the rest of the body is never read.
    body.destroy();
    throw err;
  }
}

async function upload(
  client: S3Client,
  target: { Bucket: string; Key: string },
  body: Readable,
  partBytes: number,
  onAbortFailed?: (err: unknown, key: string) => void,
): Promise<void> {
  const parts = partsOf(body, partBytes);
  const first = await parts.next();
  const second = first.done || first.value.length < partBytes ? undefined : await parts.next();
  if (first.done || !second || second.done || second.value.length === 0) {
    const bytes = first.done ? Buffer.alloc(0) : first.value;
    await client.send(new PutObjectCommand({ ...target, Body: bytes, ContentLength: bytes.length }));
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand(target));
  if (!UploadId) throw new Error(`The bucket gave no upload id for ${target.Key}`);
  const done: Array<{ PartNumber: number; ETag: string | undefined }> = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = (PartNumber: number, Body: Buffer) => {
    const sent = client
      .send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body, ContentLength: Body.length }))
      .then((res) => void done.push({ PartNumber, ETag: res.ETag }))
      .catch((err: unknown) => void (failure ??= err))
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  };
  try {
    let number = 0;
    for (const part of [first.value, second.value]) send(++number, part);
    for await (const part of parts) {
      // An empty last part comes only when the size is a multiple of the part size: S3 refuses empty parts.
      if (part.length === 0) break;
      while (inFlight.size >= PARTS_IN_FLIGHT && !failure) await Promise.race(inFlight);
      if (failure) break;
      send(++number, part);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    done.sort((a, b) => a.PartNumber - b.PartNumber);
    await client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: done } }));
  } catch (err) {
    await Promise.allSettled(inFlight);
    // The upload's own failure is what the caller must hear; a failed abort is told beside it.
    await client
      .send(new AbortMultipartUploadCommand({ ...target, UploadId }))
      .catch((abortErr: unknown) => onAbortFailed?.(abortErr, target.Key));
    throw err;
  }
}
