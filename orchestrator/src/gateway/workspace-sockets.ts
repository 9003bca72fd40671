import type { IncomingMessage } from "node:http";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { ListenerClosedError, listenerOf } from "../db/notifications";
import { shut, SocketRelay, type RelayedPair } from "./socket-relay";
import { decideWorkspaceAccess } from "./workspace-access";
import type { WorkspaceSessionStore } from "./workspace-sessions";

/** Who holds an open workspace socket, by what right: what is checked again while it is open. */
export interface SocketHolder {
  namespace: string;
  subject: string;
  /** SHA-256 of the workspace host's session token the socket was opened with. */
  workspaceTokenHash: string;
  /** SHA-256 of the UI session's token that host session was made from. */
  sessionHash: string;
  address: string;
  path: string;
}

interface OpenSocket {
  holder: SocketHolder;
  pair: RelayedPair;
}

// The channels the database announces on (migrations 0007 and 0008): an environment's row was written
// (payload: its namespace); a session ended or changed (payload: its token hash, "" for all of them).
const ENVIRONMENT_CHANNEL = "spe_environment_changed";
const SESSION_CHANNEL = "spe_session_changed";

export interface WorkspaceSocketsOptions {
  db: Db;
  sessions: SessionStore;
  workspaceSessions: WorkspaceSessionStore;
  log: FastifyBaseLogger;
  /** How often every open socket is authorised again. */
  recheckIntervalMs: number;
  /** Told of each socket once both its ends are open (the record of activities listens beside the relay). */
  onOpened?: (holder: SocketHolder, pair: RelayedPair) => void;
}

/**
 * The workspace WebSockets of this process, relayed (socket-relay.ts) and authorised again while they are
 * open: a socket outlives no sign-out, no removal from the permit, no revocation, suspension or teardown.
 * Each is checked on a timer, and at once when the database announces that its UI session or its
 * environment changed; one that fails is closed with 1008 (policy violation) and an audit event. All close
 * with the app.
 */
export class WorkspaceSockets {
  private readonly relay: SocketRelay;
  private readonly open = new Set<OpenSocket>();
  private readonly timer: NodeJS.Timeout;
  /** Counts the announcements heard, so that a socket authorised before one arrived is checked again. */
  private heard = 0;
  private checking = false;
  private closed = false;

  constructor(private readonly options: WorkspaceSocketsOptions) {
    this.relay = new SocketRelay(options.log);
    this.timer = setInterval(() => void this.recheckAll(), options.recheckIntervalMs).unref();
    this.follow(ENVIRONMENT_CHANNEL, (namespace) => this.recheck((s) => s.holder.namespace === namespace));
    this.follow(SESSION_CHANNEL, (hash) => this.recheck((s) => !hash || s.holder.sessionHash === hash));
  }

  attach(app: FastifyInstance): void {
    this.relay.attach(app);
  }

  /** A mark to take before authorising: accept() checks again if the database announced a change since. */
  mark(): number {
    return this.heard;
  }

  /** Relays an authorised upgrade to `target` and keeps authorising it while it is open. */
  accept(raw: IncomingMessage, target: string, headers: Record<string, string>, holder: SocketHolder, mark: number) {
    this.relay.relay(
      raw,
      target,
      headers,
      { ns: holder.namespace },
      (pair) => {
        const entry = { holder, pair };
        this.open.add(entry);
        this.options.onOpened?.(holder, pair);
        if (mark !== this.heard) void this.recheck((s) => s === entry);
      },
      (pair) => {
        for (const entry of this.open) if (entry.pair === pair) this.open.delete(entry);
      },
    );
  }

  /** How many workspace sockets are open in this process. */
  get size(): number {
    return this.open.size;
  }

  /** Closes every socket (1001, going away) and stops checking; waits briefly for the clients to answer. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const closing = [...this.open].map((entry) => {
      this.open.delete(entry);
      return shut(entry.pair, 1001, "The orchestrator is shutting down");
    });
    await Promise.all(closing);
    this.relay.close();
  }

  private recheckAll(): Promise<void> {
    // A slow database must not pile checks on checks: the next tick comes.
    if (this.checking) return Promise.resolve();
    this.checking = true;
    return this.recheck(() => true).finally(() => (this.checking = false));
  }

  /** The code to close a socket with, or undefined while its holder's right stands. */
  private async verdict(holder: SocketHolder, now: Date): Promise<string | undefined> {
    const [session, hostSession] = await Promise.all([
      this.options.sessions.getByHash(holder.sessionHash, now, { touch: false }),
      this.options.workspaceSessions.exists(holder.workspaceTokenHash),
    ]);
    // The session must still be the same person's: a token is never handed on, but say so.
    if (!session || !hostSession || session.subject !== holder.subject) return "AUTH_UNAUTHENTICATED";
    const decided = await decideWorkspaceAccess(this.options.db, holder.namespace, holder.subject, now);
    return decided.allowed ? undefined : decided.code;
  }

  /** Authorises the matching sockets again, each (host session, environment) asked once. */
  private async recheck(matches: (entry: OpenSocket) => boolean): Promise<void> {
    const now = new Date();
    const verdicts = new Map<string, Promise<string | undefined>>();
    await Promise.all(
      [...this.open].filter(matches).map(async (entry) => {
        const { holder } = entry;
        const key = `${holder.workspaceTokenHash}\n${holder.namespace}`;
        try {
          let verdict = verdicts.get(key);
          if (!verdict) verdicts.set(key, (verdict = this.verdict(holder, now)));
          const code = await verdict;
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
    this.open.delete(entry);
    void shut(entry.pair, 1008, code);
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
