import { realpathSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { SpeError, type SpeErrorCode } from "../../errors";
import { Outbox } from "./outbox";
import { outboxPathSegments } from "./outbox-path";

const STATUS: Partial<Record<SpeErrorCode, number>> = {
  OUTBOX_PATH_INVALID: 400,
  OUTBOX_PATH_REFUSED: 403,
  OUTBOX_FILE_NOT_FOUND: 404,
};

/**
 * The airlock agent: serves one folder, an environment's outbox, read-only over HTTP to the orchestrator.
 *   GET /healthz            → {"status":"ok"}
 *   GET /files              → [{ path, size, modified }] of every regular file, recursively
 *   GET /files/<path>       → the file's bytes, with content-length
 * Errors are JSON `{ "error": { "code", "message" } }` with a 4xx status. No hashes in the listing: hashing
 * every file on every listing costs a full read of the outbox, and the hash that counts is the one of the
 * quarantined copy, which the client computes while it downloads.
 */
export function createAirlockAgent(options: { outboxDir: string }): Server {
  const outbox = new Outbox(realpathSync(options.outboxDir));
  return createServer((req, res) => {
    handle(outbox, req, res).catch((err: unknown) => {
      // Once bytes are on their way (the client went away, the file vanished) all we can do is cut it short.
      if (res.headersSent) return void res.destroy();
      const status = err instanceof SpeError ? (STATUS[err.code] ?? 500) : 500;
      const code = err instanceof SpeError ? err.code : "INTERNAL";
      const message = err instanceof SpeError ? err.message : "The agent failed to serve the request.";
      if (status === 500)
        console.error(
          JSON.stringify({ level: "error", msg: "Failed to serve request", url: req.url, err: String(err) }),
        );
      sendJson(res, status, { error: { code, message } });
    });
  });
}

async function handle(outbox: Outbox, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The raw request target: a parsed URL would resolve ".." before we could refuse it.
  const target = req.url ?? "/";
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (req.method !== "GET") {
    res.setHeader("allow", "GET");
    return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "The outbox is read-only: GET only." } });
  }
  if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
  if (path === "/files" || path === "/files/") return sendJson(res, 200, await outbox.list());
  if (path.startsWith("/files/")) return sendFile(outbox, outboxPathSegments(path.slice("/files/".length)), res);
  sendJson(res, 404, {
    error: { code: "ROUTE_NOT_FOUND", message: "Routes: GET /healthz, GET /files, GET /files/<path>." },
  });
}

async function sendFile(outbox: Outbox, segments: string[], res: ServerResponse): Promise<void> {
  const { handle, stats } = await outbox.open(segments);
  try {
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": stats.size,
      "last-modified": stats.mtime.toUTCString(),
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
    if (stats.size === 0) return void res.end();
    // Exactly the size announced: a file that grows while it is read is cut at that size; one that shrinks
    // ends the response early, and the client sees fewer bytes than content-length.
    await pipeline(handle.createReadStream({ start: 0, end: stats.size - 1, autoClose: false }), res);
  } finally {
    await handle.close();
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}
