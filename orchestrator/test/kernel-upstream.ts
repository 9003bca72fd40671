import { createServer, type IncomingMessage, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import { freePort } from "@spe/infra/local-cluster";
import { WebSocketServer, type WebSocket } from "ws";
import { KERNEL_V1_PROTOCOL } from "../src/activity/kernel-frames";

/** A Jupyter message, as the kernel protocol (5.3) has it. */
export interface KernelMessage {
  channel: string;
  header: { msg_id: string; msg_type: string; session: string; username: string; version: string; date: string };
  parent_header: Record<string, unknown>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** A message of `msgType` on `channel`, replying to `parent` when given. */
export function kernelMessage(
  msgType: string,
  content: Record<string, unknown>,
  parent?: KernelMessage,
  channel = "shell",
): KernelMessage {
  return {
    channel,
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: "bench-session",
      username: "",
      version: "5.3",
      date: new Date().toISOString(),
    },
    parent_header: parent ? { ...parent.header } : {},
    metadata: {},
    content,
  };
}

/** As JupyterLab's serializer writes `v1.kernel.websocket.jupyter.org`: uint64 LE count and offsets, then the parts. */
export function encodeV1(message: KernelMessage, buffers: Buffer[] = []): Buffer {
  const parts = [
    Buffer.from(message.channel),
    ...[message.header, message.parent_header, message.metadata, message.content].map((p) =>
      Buffer.from(JSON.stringify(p)),
    ),
    ...buffers,
  ];
  const count = parts.length + 1;
  const offsets = [8 * (count + 1)];
  for (const p of parts) offsets.push(offsets.at(-1)! + p.length);
  const table = Buffer.alloc(8 * (count + 1));
  table.writeBigUInt64LE(BigInt(count), 0);
  offsets.forEach((o, i) => table.writeBigUInt64LE(BigInt(o), 8 * (i + 1)));
  return Buffer.concat([table, ...parts]);
}

/** Reads a v1 frame back into its message (buffers left out). */
export function decodeV1(frame: Buffer): KernelMessage {
  const count = Number(frame.readBigUInt64LE(0));
  const offsets = Array.from({ length: count }, (_, i) => Number(frame.readBigUInt64LE(8 * (i + 1))));
  const part = (i: number) => frame.toString("utf8", offsets[i], offsets[i + 1]);
  return {
    channel: part(0),
    header: JSON.parse(part(1)) as KernelMessage["header"],
    parent_header: JSON.parse(part(2)) as Record<string, unknown>,
    metadata: JSON.parse(part(3)) as Record<string, unknown>,
    content: JSON.parse(part(4)) as Record<string, unknown>,
  };
}

/** The legacy protocol's text frame: the whole message as JSON. */
export const encodeJson = (message: KernelMessage) => JSON.stringify({ ...message, buffers: [] });

/**
 * A stand-in for a Jupyter server on loopback, for what the gateway relays and records: kernel channels
 * (`/api/kernels/<id>/channels`) in the v1 subprotocol when offered, the legacy JSON one otherwise, that
 * answer kernel_info_request with Python's kernel_info_reply and every execute_request with an
 * execute_reply; terminals (`/terminals/websocket/<name>`) that echo; and the contents API, whose models
 * are written in jupyter_server's key order (content before size and type). `received` holds every
 * WebSocket message as it arrived, to show that the gateway relayed it unchanged.
 */
export async function startKernelUpstream(): Promise<{
  url: string;
  received: Array<{ data: Buffer; binary: boolean }>;
  close(): Promise<void>;
}> {
  const received: Array<{ data: Buffer; binary: boolean }> = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname.replace(/^\/api\/contents\/?/, ""));
    if (!req.url!.startsWith("/api/contents")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: req.url }));
      return;
    }
    req.resume();
    req.on("end", () => {
      const isFolder = path === "" || path.endsWith("/");
      const content = isFolder ? [] : req.method === "PUT" ? null : { cells: [], metadata: { size: 1 } };
      const model = {
        name: path.split("/").at(-1),
        path,
        last_modified: "2026-12-07T16:00:00Z",
        created: "2026-12-07T16:00:00Z",
        content,
        format: isFolder ? "json" : "json",
        mimetype: null,
        size: isFolder ? null : 4321,
        writable: true,
        hash: null,
        hash_algorithm: null,
        type: isFolder ? "directory" : path.endsWith(".ipynb") ? "notebook" : "file",
      };
      res.writeHead(req.method === "PUT" ? 201 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(model));
    });
  });
  const wss = new WebSocketServer({
    server,
    handleProtocols: (offered) => (offered.has(KERNEL_V1_PROTOCOL) ? KERNEL_V1_PROTOCOL : false),
  });
  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    const terminal = req.url!.startsWith("/terminals/");
    const v1 = socket.protocol === KERNEL_V1_PROTOCOL;
    socket.on("message", (data: Buffer, binary: boolean) => {
      received.push({ data, binary });
      if (terminal) return socket.send(data, { binary });
      let message: KernelMessage;
      try {
        message = v1 ? decodeV1(data) : (JSON.parse(data.toString()) as KernelMessage);
      } catch {
        return; // As a Jupyter server does with a frame it cannot read: it is dropped.
      }
      const type = message.header.msg_type;
      const reply =
        type === "kernel_info_request"
          ? kernelMessage(
              "kernel_info_reply",
              { status: "ok", protocol_version: "5.3", language_info: { name: "python", version: "3.13.5" } },
              message,
            )
          : type === "execute_request"
            ? kernelMessage("execute_reply", { status: "ok", execution_count: 1 }, message)
            : undefined;
      if (reply) socket.send(v1 ? encodeV1(reply) : encodeJson(reply), { binary: v1 });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
