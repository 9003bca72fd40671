import { createHash, randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { eq, lt, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Role } from "../config";
import type { Db } from "../db/database";
import { sessions } from "../db/schema";

export interface SessionUser {
  subject: string;
  name: string;
  email: string | null;
  roles: Role[];
}

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface Session extends SessionUser {
  idToken: string | null;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
// Refreshing last-seen on every request would make each read a write; a minute's granularity is enough.
const TOUCH_AFTER_MS = 60_000;

type SessionRow = typeof sessions.$inferSelect;

/**
 * Session rows already read, for a database no other process writes: embedded PGlite lives inside this
 * process, so every logout and timeout passes through a SessionStore here, and all stores on one database
 * share one cache. With PostgreSQL another replica may end a session at any moment, so there every request
 * reads the row. A session's fields never change after sign-in but its last-seen time, which only the
 * store writes; ending a session removes the entry before and after its row is deleted, and a read that
 * overlapped an ending (the epoch moved on) is not remembered.
 */
class InProcessSessionCache {
  private static readonly MAX_ENTRIES = 10_000;
  readonly rows = new Map<string, SessionRow>();
  epoch = 0;

  remember(tokenHash: string, row: SessionRow): void {
    if (this.rows.size >= InProcessSessionCache.MAX_ENTRIES) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(tokenHash, row);
  }

  forget(tokenHash?: string): void {
    this.epoch++;
    if (tokenHash) this.rows.delete(tokenHash);
  }
}

const caches = new WeakMap<Db, InProcessSessionCache>();

function inProcessCacheFor(db: Db): InProcessSessionCache | undefined {
  if (!((db as { $client?: unknown }).$client instanceof PGlite)) return undefined;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new InProcessSessionCache()));
  return cache;
}

export class SessionStore {
  // Every signed-in request reads its session: prepare that query once rather than build it each time.
  private readonly byTokenHash;
  private readonly cache: InProcessSessionCache | undefined;

  constructor(
    private readonly db: Db,
    private readonly policy: SessionPolicy,
  ) {
    this.byTokenHash = db.select().from(sessions).where(eq(sessions.tokenHash, sql.placeholder("tokenHash"))).limit(1).prepare("session_by_token_hash");
    this.cache = inProcessCacheFor(db);
  }

  /** Creates a session and returns the token for the cookie; only its hash is stored. Audited as `session.created`. */
  async create(user: SessionUser, idToken: string | undefined, now = new Date(), address: string | null = null): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + this.policy.absoluteMs);
    await this.db.transaction(async (tx) => {
      await tx.insert(sessions).values({
        tokenHash: hashToken(token),
        subject: user.subject,
        name: user.name,
        email: user.email,
        roles: user.roles,
        idToken: idToken ?? null,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
      });
      const actor = { subject: user.subject, role: "person" as const, address };
      await appendAuditEvent(tx, { actor, action: "session.created", target: `person:${user.subject}`, details: { roles: user.roles, expiresAt: expiresAt.toISOString() } }, now);
    });
    return token;
  }

  /** The live session for a cookie token, or undefined when it is unknown, idle too long or past its end. */
  async get(token: string | undefined, now = new Date()): Promise<Session | undefined> {
    if (!token) return undefined;
    const tokenHash = hashToken(token);
    const row = this.cache?.rows.get(tokenHash) ?? (await this.read(tokenHash));
    if (!row) return undefined;
    const idleUntil = row.lastSeenAt.getTime() + this.policy.idleMs;
    if (now.getTime() >= row.expiresAt.getTime() || now.getTime() >= idleUntil) {
      const reason = now.getTime() >= row.expiresAt.getTime() ? "expired" : "idle";
      await this.end(tokenHash, async (tx) => {
        // Only the request that removes the row records the end: two requests racing here write one event.
        const [ended] = await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ subject: sessions.subject });
        if (ended) await appendAuditEvent(tx, { actor: { subject: ended.subject, role: "person", address: null }, action: "session.ended", target: `person:${ended.subject}`, details: { reason } }, now);
      });
      return undefined;
    }
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
      row.lastSeenAt = now;
    }
    return { subject: row.subject, name: row.name, email: row.email, roles: row.roles as Role[], idToken: row.idToken, expiresAt: row.expiresAt };
  }

  /** Ends a session at logout; audited as `session.ended` when there was one. */
  async delete(token: string | undefined, address: string | null = null): Promise<void> {
    if (!token) return;
    const tokenHash = hashToken(token);
    await this.end(tokenHash, async (tx) => {
      const [ended] = await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ subject: sessions.subject });
      if (ended) await appendAuditEvent(tx, { actor: { subject: ended.subject, role: "person", address }, action: "session.ended", target: `person:${ended.subject}`, details: { reason: "logout" } });
    });
  }

  /** Removes sessions past their absolute end. */
  async purgeExpired(now = new Date()): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, now));
    if (this.cache) for (const [tokenHash, row] of this.cache.rows) if (row.expiresAt.getTime() < now.getTime()) this.cache.rows.delete(tokenHash);
  }

  /** The row for a token hash from the database; remembered when nothing ended a session meanwhile. */
  private async read(tokenHash: string): Promise<SessionRow | undefined> {
    const epoch = this.cache?.epoch;
    const [row] = await this.byTokenHash.execute({ tokenHash });
    if (row && this.cache && this.cache.epoch === epoch) this.cache.remember(tokenHash, row);
    return row;
  }

  /** Deletes a session in a transaction; no cached copy outlives it, even one read while it ran. */
  private async end(tokenHash: string, remove: Parameters<Db["transaction"]>[0]): Promise<void> {
    this.cache?.forget(tokenHash);
    try {
      await this.db.transaction(remove);
    } finally {
      this.cache?.forget(tokenHash);
    }
  }
}
