import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SpeError } from "../errors";

/**
 * Streams an uploaded extract to a new owner-only file at `destination` (never held in memory), hashing
 * and counting as it goes; refuses with DELIVERY_TOO_LARGE past `maxBytes`. The caller removes the file.
 */
export async function writeUpload(
  body: Readable,
  destination: string,
  maxBytes: number,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        return done(
          new SpeError(
            "DELIVERY_TOO_LARGE",
            `The extract is larger than ${maxBytes} bytes, the most one delivery may carry. Split it or ask the operators.`,
          ),
        );
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(body, measure, createWriteStream(destination, { flags: "wx", mode: 0o600 }));
  return { bytes, sha256: hash.digest("hex") };
}
