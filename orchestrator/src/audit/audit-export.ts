import { and, asc, desc, gt, lte } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import { openCheckpoint, type Checkpoint } from "./audit-checkpoint";
import type { AuditEvent } from "./audit-hash";
import { toAuditEvent } from "./audit-events-query";
import { auditFilterConditions, type AuditFilter } from "./search-audit-events";
import type { CheckpointSource } from "./verify-audit-log";

/** What the first line of an export says about it, so that `spe audit verify --export` can hold it to the chain. */
export const exportHeaderSchema = z.strictObject({
  type: z.literal("spe-audit-export"),
  exportedAt: z.iso.datetime(),
  /** The log's last event when the export was taken: no event after it is in the export. */
  head: z.int().nonnegative(),
  /** The filter as the auditor gave it; empty for the whole log, which `spe audit verify` checks as a chain. */
  filter: z.record(z.string(), z.string()),
  /** The latest signed checkpoint when the export was taken (its JWS, so it verifies on its own), if any. */
  checkpoint: z
    .strictObject({
      name: z.string(),
      sequence: z.int().nonnegative(),
      hash: z.string(),
      signedAt: z.string(),
      jws: z.string(),
    })
    .nullable(),
});
export type ExportHeader = z.infer<typeof exportHeaderSchema>;

/** The columns of the CSV form, in order: everything that is hashed, and the hash. */
export const CSV_COLUMNS = [
  "sequence",
  "time",
  "actor_subject",
  "actor_role",
  "actor_address",
  "action",
  "target",
  "details",
  "previous_hash",
  "hash",
] as const;

/** The header of an export taken now: the log's head and the latest checkpoint that a trusted key signed. */
export async function exportHeader(
  db: Db,
  filter: Record<string, string>,
  checkpoints: CheckpointSource,
  now = new Date(),
): Promise<ExportHeader> {
  const [head] = await db
    .select({ sequence: auditEvents.sequence })
    .from(auditEvents)
    .orderBy(desc(auditEvents.sequence))
    .limit(1);
  const latest = checkpoints.store.latest();
  const opened = latest ? await openCheckpoint(latest.jws, checkpoints.keys) : undefined;
  const checkpoint: Checkpoint | undefined = opened && "checkpoint" in opened ? opened.checkpoint : undefined;
  return {
    type: "spe-audit-export",
    exportedAt: now.toISOString(),
    head: head?.sequence ?? 0,
    filter,
    checkpoint:
      latest && checkpoint
        ? {
            name: latest.name,
            sequence: checkpoint.sequence,
            hash: checkpoint.hash,
            signedAt: checkpoint.signedAt,
            jws: latest.jws,
          }
        : null,
  };
}

/** The events that match, oldest first, up to the export's head, a page at a time (never the whole log in memory). */
export async function* exportedEvents(db: Db, filter: AuditFilter, head: number): AsyncGenerator<AuditEvent> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(...auditFilterConditions(filter), gt(auditEvents.sequence, after), lte(auditEvents.sequence, head)))
      .orderBy(asc(auditEvents.sequence))
      .limit(1000);
    for (const row of rows) yield toAuditEvent(row);
    if (rows.length < 1000) return;
    after = rows.at(-1)!.sequence;
  }
}

/** One JSON Lines line: the event exactly as hashed, with its hash. */
export const jsonLine = (value: unknown) => `${JSON.stringify(value)}\n`;

/** A CSV field, always quoted (RFC 4180), so that commas, quotes and line breaks in details stay inside it. */
const field = (value: string | number | null) => (value === null ? "" : `"${String(value).replace(/"/g, '""')}"`);

export const csvHeaderLines = (header: ExportHeader) => `# ${JSON.stringify(header)}\n${CSV_COLUMNS.join(",")}\n`;

export function csvLine(event: AuditEvent): string {
  const { sequence, time, actor, action, target, details, previousHash, hash } = event;
  return (
    [
      sequence,
      time,
      actor.subject,
      actor.role,
      actor.address,
      action,
      target,
      JSON.stringify(details),
      previousHash,
      hash,
    ]
      .map(field)
      .join(",") + "\n"
  );
}
