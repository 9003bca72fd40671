import { asc, inArray } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { packageAllowlist } from "../db/schema";
import type { PackageAllowlist } from "./package-mirror";

export interface AllowlistEntry {
  name: string;
  addedBy: string;
  addedAt: Date;
}

/** The allowlist as it stands, by name: what operators see and edit. */
export function allowlistEntries(db: Db): Promise<AllowlistEntry[]> {
  return db.select().from(packageAllowlist).orderBy(asc(packageAllowlist.name));
}

/** The allowlist the mirror reads, from the database on every request: a name taken off is refused at once. */
export function databaseAllowlist(db: Db): PackageAllowlist {
  return { names: async () => (await allowlistEntries(db)).map((e) => e.name) };
}

/**
 * Makes the allowlist exactly `names` (already parsed: normal form, once each) and records what was added and
 * taken off as one audit event in the same transaction; saving the same list again changes nothing and records
 * nothing.
 */
export async function replaceAllowlist(
  db: Db,
  names: string[],
  actor: AuditActor,
  now = new Date(),
): Promise<{ added: string[]; removed: string[] }> {
  return db.transaction(async (tx) => {
    const before = new Set(
      (await tx.select({ name: packageAllowlist.name }).from(packageAllowlist)).map((r) => r.name),
    );
    const wanted = new Set(names);
    const added = [...wanted].filter((n) => !before.has(n)).sort();
    const removed = [...before].filter((n) => !wanted.has(n)).sort();
    if (added.length === 0 && removed.length === 0) return { added, removed };
    if (removed.length > 0) await tx.delete(packageAllowlist).where(inArray(packageAllowlist.name, removed));
    if (added.length > 0)
      await tx.insert(packageAllowlist).values(added.map((name) => ({ name, addedBy: actor.subject, addedAt: now })));
    await appendAuditEvent(
      tx,
      { actor, action: "mirror.allowlist-changed", target: "package-allowlist:pypi", details: { added, removed } },
      now,
    );
    return { added, removed };
  });
}
