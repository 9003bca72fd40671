import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { SpeError } from "../errors";
import type { Outbox } from "./requests/airlock-ports";

const listing = z.array(z.object({ path: z.string(), size: z.number().int().min(0), modified: z.string() }).loose());

/**
 * The outboxes of environments, read through each environment's airlock agent (`{namespace}` in the URL
 * template is replaced). The agent serves the outbox read-only and only to us.
 */
export function agentOutbox(urlTemplate: string): Outbox {
  const base = (namespace: string) => urlTemplate.replace("{namespace}", namespace);
  const unavailable = (namespace: string, err: unknown) =>
    new SpeError("OUTBOX_UNAVAILABLE", `The outbox of ${namespace} cannot be read now (${(err as Error).message}); try again when the workspace runs.`, { cause: err });
  return {
    async list(namespace) {
      const res = await fetch(`${base(namespace)}/files`).catch((err: unknown) => Promise.reject(unavailable(namespace, err)));
      if (!res.ok) throw unavailable(namespace, new Error(`agent answered ${res.status}`));
      return listing.parse(await res.json()).map(({ path, size, modified }) => ({ path, size, modified }));
    },
    async copy(namespace, path, destination, maxBytes) {
      const url = `${base(namespace)}/files/${path.split("/").map(encodeURIComponent).join("/")}`;
      const res = await fetch(url).catch((err: unknown) => Promise.reject(unavailable(namespace, err)));
      if (res.status === 404) throw new SpeError("EXPORT_FILE_REFUSED", `${path} is not in the outbox (any more).`);
      if (!res.ok || !res.body) throw new SpeError("EXPORT_FILE_REFUSED", `The airlock agent refused ${path} (${res.status}): ${await res.text().catch(() => "")}`);
      const hash = createHash("sha256");
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new SpeError("EXPORT_FILE_REFUSED", `${path} is larger than ${maxBytes} bytes, the most that may leave in one file.`));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(Readable.fromWeb(res.body as WebReadableStream), measure, createWriteStream(destination, { flags: "wx", mode: 0o600 }));
      } catch (err) {
        await rm(destination, { force: true });
        throw err;
      }
      return { sha256: hash.digest("hex"), size };
    },
  };
}
