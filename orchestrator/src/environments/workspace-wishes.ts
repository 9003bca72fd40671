import { and, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments, workspaceWishes } from "../db/schema";

/** The one wishes row of a person's workspace in an environment. */
const personRow = (namespace: string, personId: string) =>
  and(eq(workspaceWishes.namespace, namespace), eq(workspaceWishes.personId, personId));

export type WorkspaceWish = typeof workspaceWishes.$inferSelect;

/** Whether the person wants their workspace to run: they opened it after it was last stopped. */
export const wantsRunning = (wish: Pick<WorkspaceWish, "startedAt" | "stoppedAt"> | undefined): boolean =>
  !!wish?.startedAt && (!wish.stoppedAt || wish.stoppedAt < wish.startedAt);

/** Every wish of an environment's persons, by their workspace's opaque id. */
export async function wishesOf(db: Db, namespace: string): Promise<Map<string, WorkspaceWish>> {
  const rows = await db.select().from(workspaceWishes).where(eq(workspaceWishes.namespace, namespace));
  return new Map(rows.map((r) => [r.personId, r]));
}

/** Every workspace that is to run, in environments that are active: what the idle culler looks at. */
export async function runningWishes(db: Db): Promise<WorkspaceWish[]> {
  const rows = await db
    .select({ wish: workspaceWishes })
    .from(workspaceWishes)
    .innerJoin(environments, eq(environments.namespace, workspaceWishes.namespace))
    .where(
      and(
        eq(environments.desiredState, "active"),
        isNotNull(workspaceWishes.startedAt),
        or(isNull(workspaceWishes.stoppedAt), lt(workspaceWishes.stoppedAt, workspaceWishes.startedAt)),
      ),
    );
  return rows.map((r) => r.wish);
}

/** One person's wish, if they ever opened their workspace. */
export async function wishOf(db: Db, namespace: string, personId: string): Promise<WorkspaceWish | undefined> {
  const [row] = await db.select().from(workspaceWishes).where(personRow(namespace, personId));
  return row;
}

export interface PersonWorkspace {
  namespace: string;
  /** The workspace's opaque id (gateway/workspace-identities.ts). */
  personId: string;
  subject: string;
}

/**
 * The person opened their workspace: it is to run. Only the first open after a stop counts (and is
 * audited); the rest say nothing new. Returns whether this was such a start.
 */
export async function askToStart(db: Db, workspace: PersonWorkspace, actor: AuditActor, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(workspaceWishes)
      .where(personRow(workspace.namespace, workspace.personId))
      .for("update");
    if (wantsRunning(before)) return false;
    await tx
      .insert(workspaceWishes)
      .values({ ...workspace, startedAt: now, lastActivityAt: now })
      .onConflictDoUpdate({
        target: [workspaceWishes.namespace, workspaceWishes.personId],
        set: { startedAt: now, lastActivityAt: now },
      });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "workspace.started",
        target: `environment:${workspace.namespace}`,
        details: { person: workspace.subject },
      },
      now,
    );
    return true;
  });
}

/**
 * Stops a person's workspace: idle (the culler, no reason needed) or an operator's, with a reason. The home is
 * kept. Returns whether it was running; a stopped one stays as it was, unaudited.
 */
export async function askToStop(
  db: Db,
  workspace: PersonWorkspace,
  stop: {
    cause: "idle" | "operator";
    reason?: string;
    actor: AuditActor;
    /** The culler's: the last activity it judged by. Anything recorded since (an open meanwhile) keeps it. */
    lastActivity?: Date;
  },
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(workspaceWishes)
      .where(personRow(workspace.namespace, workspace.personId))
      .for("update");
    if (!wantsRunning(before)) return false;
    if (stop.lastActivity && before!.lastActivityAt && before!.lastActivityAt > stop.lastActivity) return false;
    await tx
      .update(workspaceWishes)
      .set({ stoppedAt: now, stopCause: stop.cause, stopReason: stop.reason ?? null })
      .where(personRow(workspace.namespace, workspace.personId));
    await appendAuditEvent(
      tx,
      {
        actor: stop.actor,
        action: stop.cause === "idle" ? "workspace.stopped-idle" : "workspace.stopped-by-operator",
        target: `environment:${workspace.namespace}`,
        details: {
          person: workspace.subject,
          ...(stop.reason ? { reason: stop.reason } : {}),
          ...(stop.lastActivity ? { lastActivity: stop.lastActivity.toISOString() } : {}),
        },
      },
      now,
    );
    return true;
  });
}

/**
 * The workspace was used (the gateway relayed something, the Lab reported work): the culler measures idleness
 * from it. Never moves back: two gateways and the culler write it, each what it saw.
 */
export async function noteActivity(db: Db, namespace: string, personId: string, at: Date): Promise<void> {
  await db
    .update(workspaceWishes)
    .set({ lastActivityAt: sql`greatest(${workspaceWishes.lastActivityAt}, ${at.toISOString()}::timestamptz)` })
    .where(personRow(namespace, personId));
}

/**
 * The person picks the tool their workspace runs, among the permit's: one at a time, so a running workspace is
 * replaced by the new tool's (the reconciler applies the new container; the home is kept). Audited when it
 * changes anything; returns whether it did.
 */
export async function pickTool(
  db: Db,
  workspace: PersonWorkspace,
  tool: string,
  actor: AuditActor,
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(workspaceWishes)
      .where(personRow(workspace.namespace, workspace.personId))
      .for("update");
    if (before?.tool === tool) return false;
    await tx
      .insert(workspaceWishes)
      .values({ ...workspace, tool })
      .onConflictDoUpdate({ target: [workspaceWishes.namespace, workspaceWishes.personId], set: { tool } });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "workspace.tool-picked",
        target: `environment:${workspace.namespace}`,
        details: { person: workspace.subject, tool, ...(before?.tool ? { before: before.tool } : {}) },
      },
      now,
    );
    return true;
  });
}
