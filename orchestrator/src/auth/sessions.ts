import { createHash, randomBytes } from "node:crypto";
import { eq, lt, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Role } from "./roles";
import type { Db } from "../db/database";
import { sessions } from "../db/schema";
import { rememberPerson } from "../notifications/person-settings";
import { sessionCacheFor, type SessionCache, type SessionRow } from "./session-cache";

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

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
// Refreshing last-seen on every request would make each read a write; a minute's granularity is enough.
const TOUCH_AFTER_MS = 60_000;

export class SessionStore {
  // Every signed-in request reads its session: prepare that query once rather than build it each time.
  private readonly byTokenHash;
  private readonly cache: SessionCache | undefined;

  constructor(
    private readonly db: Db,
    private readonly policy: SessionPolicy,
  ) {
    this.byTokenHash = db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
      .limit(1)
      .prepare("session_by_token_hash");
    this.cache = sessionCacheFor(db);
  }

  /** Creates a session and returns the token for the cookie; only its hash is stored. Audited as `session.created`. */
  async create(
    user: SessionUser,
    idToken: string | undefined,
    now = new Date(),
    address: string | null = null,
  ): Promise<string> {
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
      await rememberPerson(tx, user, now);
      const actor = { subject: user.subject, role: "person" as const, address };
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "session.created",
          target: `person:${user.subject}`,
          details: { roles: user.roles, expiresAt: expiresAt.toISOString() },
        },
        now,
      );
    });
    return token;
  }

  /**
   * The live session for a cookie token, or undefined when it is unknown, idle too long or past its end.
   * `touch: false` asks without counting as activity (an open workspace socket checked again): it never
   * keeps a session from going idle.
   */
  async get(
    token: string | undefined,
    now = new Date(),
    { touch = true }: { touch?: boolean } = {},
  ): Promise<Session | undefined> {
    if (!token) return undefined;
    return this.getByHash(hashToken(token), now, { touch });
  }

  /** As get(), for a session known by its token's hash (a workspace host's session names its UI session so). */
  async getByHash(
    tokenHash: string,
    now = new Date(),
    { touch = true }: { touch?: boolean } = {},
  ): Promise<Session | undefined> {
    let row = this.cache?.get(tokenHash);
    // A remembered row may be behind the database's last-seen time (another replica touched it): the
    // database decides whether a session is idle or due a touch, never a copy.
    if (row && this.dueForWrite(row, now)) row = undefined;
    row ??= await this.read(tokenHash);
    if (!row) return undefined;
    const idleUntil = row.lastSeenAt.getTime() + this.policy.idleMs;
    if (now.getTime() >= row.expiresAt.getTime() || now.getTime() >= idleUntil) {
      const reason = now.getTime() >= row.expiresAt.getTime() ? "expired" : "idle";
      await this.end(tokenHash, async (tx) => {
        // Only the request that removes the row records the end: two requests racing here write one event.
        const [ended] = await tx
          .delete(sessions)
          .where(eq(sessions.tokenHash, tokenHash))
          .returning({ subject: sessions.subject });
        if (ended)
          await appendAuditEvent(
            tx,
            {
              actor: { subject: ended.subject, role: "person", address: null },
              action: "session.ended",
              target: `person:${ended.subject}`,
              details: { reason },
            },
            now,
          );
      });
      return undefined;
    }
    if (touch && now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
      row.lastSeenAt = now;
    }
    return {
      subject: row.subject,
      name: row.name,
      email: row.email,
      roles: row.roles as Role[],
      idToken: row.idToken,
      expiresAt: row.expiresAt,
    };
  }

  /** Ends a session at logout; audited as `session.ended` when there was one. */
  async delete(token: string | undefined, address: string | null = null): Promise<void> {
    if (!token) return;
    const tokenHash = hashToken(token);
    await this.end(tokenHash, async (tx) => {
      const [ended] = await tx
        .delete(sessions)
        .where(eq(sessions.tokenHash, tokenHash))
        .returning({ subject: sessions.subject });
      if (ended)
        await appendAuditEvent(tx, {
          actor: { subject: ended.subject, role: "person", address },
          action: "session.ended",
          target: `person:${ended.subject}`,
          details: { reason: "logout" },
        });
    });
  }

  /** Removes sessions past their absolute end. */
  async purgeExpired(now = new Date()): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, now));
    this.cache?.forgetExpired(now);
  }

  /** Whether a request now would end this session or touch its last-seen time. */
  private dueForWrite(row: SessionRow, now: Date): boolean {
    const sinceSeen = now.getTime() - row.lastSeenAt.getTime();
    return now.getTime() >= row.expiresAt.getTime() || sinceSeen >= this.policy.idleMs || sinceSeen > TOUCH_AFTER_MS;
  }

  /** The row for a token hash from the database; remembered when nothing ended a session meanwhile. */
  private async read(tokenHash: string): Promise<SessionRow | undefined> {
    const mark = this.cache?.mark();
    const [row] = await this.byTokenHash.execute({ tokenHash });
    if (row) this.cache?.remember(mark, tokenHash, row);
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
