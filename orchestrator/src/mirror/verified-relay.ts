import { createHash } from "node:crypto";
import { once } from "node:events";
import type { ServerResponse } from "node:http";

export type RelayOutcome = { served: true; sha256: string; bytes: number } | { served: false; reason: string };

/**
 * Relays an upstream file to the client while hashing it, and holds its last chunk back until the whole file is
 * known to hash to what the upstream index stated and `beforeLast` (the audit record) has succeeded. Otherwise
 * the connection is cut short of its Content-Length, so pip never has the complete file: a file that does not
 * verify, or whose serving could not be recorded, is never served.
 */
export async function relayVerified(
  upstream: Response,
  expectedSha256: string,
  res: ServerResponse,
  beforeLast: (sha256: string, bytes: number) => Promise<void>,
): Promise<RelayOutcome> {
  const hash = createHash("sha256");
  const length = upstream.headers.get("content-length");
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "x-content-type-options": "nosniff",
    ...(length && /^\d+$/.test(length) ? { "content-length": length } : {}),
  });
  let held: Uint8Array | undefined;
  let bytes = 0;
  try {
    for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      if (held && !res.write(held)) await once(res, "drain");
      held = chunk;
    }
  } catch (err) {
    res.destroy();
    return { served: false, reason: `the upstream transfer failed: ${(err as Error).message}` };
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== expectedSha256) {
    res.destroy();
    return { served: false, reason: `its SHA-256 ${sha256} is not the ${expectedSha256} the upstream index states` };
  }
  try {
    await beforeLast(sha256, bytes);
  } catch (err) {
    res.destroy();
    return { served: false, reason: `its serving could not be recorded: ${(err as Error).message}` };
  }
  res.end(held);
  return { served: true, sha256, bytes };
}
