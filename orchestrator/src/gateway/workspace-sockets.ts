import { createHash } from "node:crypto";
import { ServerResponse, STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { ListenerClosedError, listenerOf } from "../db/notifications";
import { decideWorkspaceAccess } from "./workspace-access";

/** Who holds an open workspace socket, by what right: what is checked again while it is open. */
export interface SocketHolder {
  namespace: string;
  subject: string;
  /** The session cookie's token the socket was opened with. */
  token: string;
  address: string;
  path: string;
}

interface OpenSocket {
  holder: SocketHolder;
  tokenHash: string;
  client: WebSocket;
  upstream: WebSocket;
  closing: boolean;
}

// The channels the database announces on (migrations 0007 and 0008): an environment's row was written
// (payload: its namespace); a session ended or changed (payload: its token hash, "" for all of them).
const ENVIRONMENT_CHANNEL = "spe_environment_changed";
const SESSION_CHANNEL = "spe_session_changed";
// The sessions table keeps SHA-256 of the token (auth/sessions.ts): the announcements name sessions by it.
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** How long a workspace may take to accept a socket before the browser is told it did not answer. */
const UPSTREAM_HANDSHAKE_MS = 10_000;
/**
 * Backpressure: while more than HIGH bytes wait to go out to one end, the other end is not read (its
 * sender's TCP window fills up); reading resumes below LOW. A slow browser cannot make the orchestrator hold
 * what its workspace sends, nor the other way round.
 */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

/** Forwards messages, pings and pongs from one end to the other, reading `from` only while `to` keeps up. */
function forward(entry: { closing: boolean }, from: WebSocket, to: WebSocket): void {
  let paused = false;
  const drained = () => {
    if (paused && to.bufferedAmount < LOW_WATER_BYTES) {
      paused = false;
      from.resume();
    }
  };
  from.on("message", (data: RawData, binary: boolean) => {
    if (entry.closing || to.readyState !== WebSocket.OPEN) return;
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

export interface WorkspaceSocketsOptions {
  db: Db;
  sessions: SessionStore;
  log: FastifyBaseLogger;
  /** How often every open socket is authorised again. */
  recheckIntervalMs: number;
}

/**
 * The workspace WebSockets of this process, proxied to the workspaces and authorised again while they are
 * open: a socket outlives no logout, no removal from the permit, no revocation, suspension or teardown. Each
 * is checked on a timer, and at once when the database announces that its session or its environment
 * changed; one that fails is closed with 1008 (policy violation) and an audit event. All close with the app.
 */
export class WorkspaceSockets {
  /** The subprotocol the workspace chose, for the browser's end of the same socket. */
  private readonly protocols = new WeakMap<IncomingMessage, string>();
  private readonly server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    autoPong: false,
    handleProtocols: (_offered, req) => this.protocols.get(req) || false,
  });
  private readonly open = new Set<OpenSocket>();
  private readonly heads = new WeakMap<IncomingMessage, Buffer>();
  private readonly timer: NodeJS.Timeout;
  /** Counts the announcements heard, so that a socket authorised before one arrived is checked again. */
  private heard = 0;
  private checking = false;
  private closed = false;

  constructor(private readonly options: WorkspaceSocketsOptions) {
    this.timer = setInterval(() => void this.recheckAll(), options.recheckIntervalMs).unref();
    this.follow(ENVIRONMENT_CHANNEL, (namespace) => this.recheck((s) => s.holder.namespace === namespace));
    this.follow(SESSION_CHANNEL, (tokenHash) => this.recheck((s) => !tokenHash || s.tokenHash === tokenHash));
  }

  /**
   * Routes every upgrade of the app's server through the app, as the proxy plugin would, so that hooks and
   * the gateway's authorisation run for it: what is refused is answered in HTTP on the socket and the socket
   * closed; what is let through reaches accept() with its first bytes.
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

  /** A mark to take before authorising: accept() checks again if the database announced a change since. */
  mark(): number {
    return this.heard;
  }

  /**
   * Connects to `target` (a ws: URL in the workspace) first, offering the browser's subprotocols, and only
   * then completes the browser's upgrade, with the protocol the workspace chose: a workspace that refuses or
   * does not answer is an HTTP error to the browser, never a socket opened only to be closed.
   */
  accept(
    raw: IncomingMessage,
    target: string,
    headers: Record<string, string>,
    holder: SocketHolder,
    mark: number,
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
      this.options.log.warn({ ns: holder.namespace, why }, "Failed to reach a workspace's WebSocket");
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
        const entry: OpenSocket = { holder, tokenHash: hashToken(holder.token), client, upstream, closing: false };
        this.open.add(entry);
        this.pipe(entry);
        if (mark !== this.heard) void this.recheck((s) => s === entry);
      });
    });
  }

  /** How many workspace sockets are open in this process. */
  get size(): number {
    return this.open.size;
  }

  /** Closes every socket (1001, going away) and stops checking; waits briefly for the clients to answer. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const closing = [...this.open].map((entry) => this.shut(entry, 1001, "The orchestrator is shutting down"));
    await Promise.all(closing);
    this.server.close();
  }

  private pipe(entry: OpenSocket): void {
    const { client, upstream } = entry;
    forward(entry, client, upstream);
    forward(entry, upstream, client);
    const end = (other: WebSocket) => (code: number, reason: Buffer) => {
      this.open.delete(entry);
      if (other.readyState === WebSocket.OPEN) other.close(sendable(code), reason);
      else if (other.readyState === WebSocket.CONNECTING) other.terminate();
    };
    client.on("close", end(upstream));
    upstream.on("close", end(client));
    client.on("error", () => client.terminate());
    upstream.on("error", (err) => {
      this.options.log.warn({ ns: entry.holder.namespace, err: err.message }, "A workspace's WebSocket failed");
      this.open.delete(entry);
      upstream.terminate();
      if (client.readyState === WebSocket.OPEN) client.close(1011, "The workspace's connection failed");
    });
  }

  /** Stops forwarding at once, closes both ends and resolves when the client end is closed (or after 2 s). */
  private shut(entry: OpenSocket, code: number, reason: string): Promise<void> {
    entry.closing = true;
    this.open.delete(entry);
    const { client, upstream } = entry;
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

  private recheckAll(): Promise<void> {
    // A slow database must not pile checks on checks: the next tick comes.
    if (this.checking) return Promise.resolve();
    this.checking = true;
    return this.recheck(() => true).finally(() => (this.checking = false));
  }

  /** Authorises the matching sockets again, each session and each environment asked once. */
  private async recheck(matches: (entry: OpenSocket) => boolean): Promise<void> {
    const now = new Date();
    const sessions = new Map<string, Promise<string | undefined>>();
    const decisions = new Map<string, ReturnType<typeof decideWorkspaceAccess>>();
    await Promise.all(
      [...this.open].filter(matches).map(async (entry) => {
        const { holder } = entry;
        try {
          let subject = sessions.get(holder.token);
          if (!subject)
            sessions.set(
              holder.token,
              (subject = this.options.sessions.get(holder.token, now, { touch: false }).then((s) => s?.subject)),
            );
          const key = `${holder.namespace}\n${(await subject) ?? ""}`;
          let decision = decisions.get(key);
          if (!decision)
            decisions.set(
              key,
              (decision = decideWorkspaceAccess(this.options.db, holder.namespace, await subject, now)),
            );
          const decided = await decision;
          // The session must still be the same person's: a token is never handed on, but say so.
          const code =
            (await subject) !== holder.subject ? "AUTH_UNAUTHENTICATED" : decided.allowed ? undefined : decided.code;
          if (code && this.open.has(entry)) await this.refuse(entry, code);
        } catch (err) {
          // Not knowing is not a verdict: the socket is checked again on the next tick.
          this.options.log.warn(
            { ns: holder.namespace, err: (err as Error).message },
            "Failed to authorise a workspace WebSocket again",
          );
        }
      }),
    );
  }

  private async refuse(entry: OpenSocket, code: string): Promise<void> {
    const { holder } = entry;
    void this.shut(entry, 1008, code);
    await recordAuditEvent(this.options.db, {
      actor: { subject: holder.subject, role: "researcher", address: holder.address },
      action: "workspace.websocket-closed",
      target: `environment:${holder.namespace}`,
      details: { path: holder.path, reason: code },
    });
  }

  /** Hears one channel for as long as this process runs, listening again after a lost connection. */
  private follow(channel: string, onPayload: (payload: string) => Promise<void>): void {
    const listener = listenerOf(this.options.db);
    if (!listener) return;
    const start = (retryMs: number) => {
      if (this.closed) return;
      const again = (err: Error) => {
        if (this.closed || err instanceof ListenerClosedError) return;
        // Whatever was announced meanwhile is missed: check everything once listening again.
        setTimeout(() => start(Math.min(retryMs * 2, 30_000)), retryMs).unref();
      };
      listener
        .listen(
          channel,
          (payload) => {
            if (this.closed) return;
            this.heard++;
            void onPayload(payload);
          },
          again,
        )
        .then(() => (retryMs > 500 ? this.recheckAll() : undefined), again);
    };
    start(500);
  }
}
