import { randomBytes } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { hashToken } from "../auth/sessions";
import type { Db } from "../db/database";
import { workspaceCodes, workspaceSessions } from "../db/schema";

/** How long a handshake code may take from the UI to the workspace host: a redirect needs far less. */
export const CODE_TTL_MS = 60_000;

/** Whom a code or a workspace host's session is for: one person, one environment, one host. */
export interface WorkspaceGrant {
  label: string;
  namespace: string;
  subject: string;
  /** SHA-256 of the UI session's token it was made from. */
  sessionHash: string;
}

export interface WorkspaceSession extends WorkspaceGrant {
  tokenHash: string;
  /** The cookies the workspace set for its own host: the only ones forwarded to it. */
  cookieNames: string[];
}

export type Redeemed =
  | { ok: true; token: string; grant: WorkspaceGrant }
  | { ok: false; reason: "unknown" | "expired" | "other-host"; grant?: WorkspaceGrant };

/**
 * The handshake's state, in the database so that any replica may make a code and any other redeem it:
 * one-time codes (made on the UI's origin, redeemed on the workspace host) and the sessions of workspace
 * hosts. Only hashes of codes and tokens are stored.
 */
export class WorkspaceSessionStore {
  constructor(private readonly db: Db) {}

  /** A code for one redirect to a workspace host; expired codes of anyone are cleared on the way. */
  async createCode(grant: WorkspaceGrant, now = new Date()): Promise<string> {
    const code = randomBytes(32).toString("base64url");
    await this.db.delete(workspaceCodes).where(lt(workspaceCodes.expiresAt, now));
    await this.db
      .insert(workspaceCodes)
      .values({ codeHash: hashToken(code), ...grant, expiresAt: new Date(now.getTime() + CODE_TTL_MS) });
    return code;
  }

  /**
   * Exchanges a code for a session of the host it was made for. The code is deleted by the statement that
   * reads it, so of two requests racing with one code at most one gets a session; a code presented on
   * another host is spent all the same.
   */
  async redeem(code: string, label: string, now = new Date()): Promise<Redeemed> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(workspaceCodes)
        .where(eq(workspaceCodes.codeHash, hashToken(code)))
        .returning();
      if (!row) return { ok: false, reason: "unknown" } as const;
      const grant = { label: row.label, namespace: row.namespace, subject: row.subject, sessionHash: row.sessionHash };
      if (row.label !== label) return { ok: false, reason: "other-host", grant } as const;
      if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired", grant } as const;
      const token = randomBytes(32).toString("base64url");
      await tx.insert(workspaceSessions).values({ tokenHash: hashToken(token), ...grant, createdAt: now });
      return { ok: true, token, grant } as const;
    });
  }

  /** The session of a workspace host for a cookie's token, if it is this host's. */
  async find(token: string | undefined, label: string): Promise<WorkspaceSession | undefined> {
    if (!token) return undefined;
    const [row] = await this.db
      .select()
      .from(workspaceSessions)
      .where(and(eq(workspaceSessions.tokenHash, hashToken(token)), eq(workspaceSessions.label, label)))
      .limit(1);
    return row;
  }

  /** Whether a workspace host's session still exists (an open socket asks while it is open). */
  async exists(tokenHash: string): Promise<boolean> {
    const [row] = await this.db
      .select({ tokenHash: workspaceSessions.tokenHash })
      .from(workspaceSessions)
      .where(eq(workspaceSessions.tokenHash, tokenHash))
      .limit(1);
    return row !== undefined;
  }

  /** Adds cookie names the workspace set for its host to those forwarded to it. */
  async addCookieNames(tokenHash: string, names: string[]): Promise<void> {
    await this.db
      .update(workspaceSessions)
      .set({
        cookieNames: sql`(select coalesce(jsonb_agg(distinct n), '[]'::jsonb) from jsonb_array_elements_text(${workspaceSessions.cookieNames} || ${JSON.stringify(names)}::jsonb) as n)`,
      })
      .where(eq(workspaceSessions.tokenHash, tokenHash));
  }
}
