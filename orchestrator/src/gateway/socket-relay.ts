import { ServerResponse, STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { WebSocket, WebSocketServer, type RawData } from "ws";

/** How long a workspace may take to accept a socket before the browser is told it did not answer. */
const UPSTREAM_HANDSHAKE_MS = 10_000;
/**
 * Backpressure: while more than HIGH bytes wait to go out to one end, the other end is not read (its
 * sender's TCP window fills up); reading resumes below LOW. A slow browser cannot make the orchestrator hold
 * what its workspace sends, nor the other way round.
 */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

/** A browser's socket and the workspace's, relayed to each other. */
export interface RelayedPair {
  client: WebSocket;
  upstream: WebSocket;
  /** Set when the relay is being shut: nothing more is forwarded. */
  closing: boolean;
}

/** Forwards messages, pings and pongs from one end to the other, reading `from` only while `to` keeps up. */
function forward(pair: { closing: boolean }, from: WebSocket, to: WebSocket): void {
  let paused = false;
  const drained = () => {
    if (paused && to.bufferedAmount < LOW_WATER_BYTES) {
      paused = false;
      from.resume();
    }
  };
  from.on("message", (data: RawData, binary: boolean) => {
    if (pair.closing || to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary }, drained);
    if (!paused && to.bufferedAmount > HIGH_WATER_BYTES) {
      paused = true;
      from.pause();
    }
  });
  from.on("ping", (data: Buffer) => to.readyState === WebSocket.OPEN && to.ping(data));
  from.on("pong", (data: Buffer) => to.readyState === WebSocket.OPEN && to.pong(data));
}

/** A close code a WebSocket may send: ws refuses the reserved ones (1005 none given, 1006 abnormal). */
const sendable = (code: number) =>
  (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
    ? code
    : code === 1005
      ? 1000
      : 1011;

/**
 * Relays WebSockets between browsers and workspaces: the workspace's socket is opened first, offering the
 * browser's subprotocols, and only then is the browser's upgrade completed with the workspace's choice, so
 * a workspace that refuses or does not answer is an HTTP error to the browser, never a socket opened only to
 * close. Who may hold a socket is not its business (workspace-sockets.ts).
 */
export class SocketRelay {
  /** The subprotocol the workspace chose, for the browser's end of the same socket. */
  private readonly protocols = new WeakMap<IncomingMessage, string>();
  private readonly server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    autoPong: false,
    handleProtocols: (_offered, req) => this.protocols.get(req) || false,
  });
  private readonly heads = new WeakMap<IncomingMessage, Buffer>();
  private closed = false;

  constructor(private readonly log: FastifyBaseLogger) {}

  /**
   * Routes every upgrade of the app's server through the app, as the proxy plugin would, so that hooks and
   * the gateway's authorisation run for it: what is refused is answered in HTTP on the socket and the socket
   * closed; what is let through reaches relay() with its first bytes.
   */
  attach(app: FastifyInstance): void {
    app.server.on("upgrade", (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.heads.set(raw, head);
      const response = new ServerResponse(raw);
      response.assignSocket(socket as never);
      response.on("finish", () => socket.destroy());
      app.routing(raw, response);
    });
  }

  /**
   * Connects to `target` (a ws: URL in the workspace), then completes the browser's upgrade; `opened` gets
   * the pair once both ends are open, `ended` once either has closed. `what` names the socket in the log.
   */
  relay(
    raw: IncomingMessage,
    target: string,
    headers: Record<string, string>,
    what: Record<string, unknown>,
    opened: (pair: RelayedPair) => void,
    ended: (pair: RelayedPair) => void,
  ): void {
    const socket = raw.socket;
    if (this.closed) {
      socket.destroy();
      return;
    }
    const offered = (raw.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    // Pings and pongs pass through (autoPong off on both ends): each end learns whether the other is alive.
    const upstream = new WebSocket(target, offered, {
      headers,
      handshakeTimeout: UPSTREAM_HANDSHAKE_MS,
      autoPong: false,
    });
    const gone = () => upstream.terminate();
    socket.once("close", gone);
    const fail = (status: number, why: string) => {
      socket.off("close", gone);
      upstream.terminate();
      this.log.warn({ ...what, why }, "Failed to reach a workspace's WebSocket");
      if (socket.writable)
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    };
    upstream.once("unexpected-response", (_req, res) => fail(502, `the workspace answered ${res.statusCode}`));
    upstream.once("error", (err) => fail(502, err.message));
    upstream.once("open", () => {
      upstream.removeAllListeners("error").removeAllListeners("unexpected-response");
      socket.off("close", gone);
      if (this.closed || !socket.writable) {
        upstream.terminate();
        socket.destroy();
        return;
      }
      this.protocols.set(raw, upstream.protocol);
      this.server.handleUpgrade(raw, socket, this.heads.get(raw) ?? Buffer.alloc(0), (client) => {
        const pair: RelayedPair = { client, upstream, closing: false };
        this.pipe(pair, what, () => ended(pair));
        opened(pair);
      });
    });
  }

  /** Stops relaying: no new socket is completed. */
  close(): void {
    this.closed = true;
    this.server.close();
  }

  private pipe(pair: RelayedPair, what: Record<string, unknown>, ended: () => void): void {
    const { client, upstream } = pair;
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    const end = (other: WebSocket) => (code: number, reason: Buffer) => {
      ended();
      if (other.readyState === WebSocket.OPEN) other.close(sendable(code), reason);
      else if (other.readyState === WebSocket.CONNECTING) other.terminate();
    };
    client.on("close", end(upstream));
    upstream.on("close", end(client));
    client.on("error", () => client.terminate());
    upstream.on("error", (err) => {
      this.log.warn({ ...what, err: err.message }, "A workspace's WebSocket failed");
      ended();
      upstream.terminate();
      if (client.readyState === WebSocket.OPEN) client.close(1011, "The workspace's connection failed");
    });
  }
}

/** Stops relaying a pair at once, closes both ends and resolves when the client end is closed (or after 2 s). */
export function shut(pair: RelayedPair, code: number, reason: string): Promise<void> {
  pair.closing = true;
  const { client, upstream } = pair;
  if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
  else upstream.terminate();
  if (client.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = setTimeout(() => {
      client.terminate();
      resolve();
    }, 2_000);
    client.once("close", () => {
      clearTimeout(stop);
      resolve();
    });
    if (client.readyState === WebSocket.OPEN) client.close(code, reason);
  });
}
