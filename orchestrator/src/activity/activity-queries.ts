import { and, asc, count, desc, eq, gt, lt, lte, max, min, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import { activityBatches, activityEntries } from "../db/schema";
import type { ActivityEntry, ActivityKind } from "./activity-entry";
import type { ActivityBatch } from "./activity-hash";

type EntryRow = typeof activityEntries.$inferSelect;

const toEntry = (row: EntryRow): ActivityEntry => ({
  time: row.time.toISOString(),
  namespace: row.namespace,
  subject: row.subject,
  kind: row.kind as ActivityKind,
  details: row.details,
});

const PAGE = 500;

/** A batch as stored: with the count of entries it declared and the positions its entries are stored at. */
export interface StoredBatch extends ActivityBatch {
  declaredEntries: number;
  positions: number[];
}

/**
 * Every batch (from `fromSequence` on) with its entries in sequence order, a page at a time so that a long
 * record is never held whole.
 */
export async function* activityBatchesInOrder(db: Db, fromSequence = 1): AsyncGenerator<StoredBatch> {
  let after = fromSequence - 1;
  for (;;) {
    const batches = await db
      .select()
      .from(activityBatches)
      .where(gt(activityBatches.sequence, after))
      .orderBy(asc(activityBatches.sequence))
      .limit(PAGE);
    if (batches.length === 0) return;
    const last = batches.at(-1)!.sequence;
    const rows = await db
      .select()
      .from(activityEntries)
      .where(and(gt(activityEntries.batch, after), lte(activityEntries.batch, last)))
      .orderBy(asc(activityEntries.batch), asc(activityEntries.position));
    const byBatch = new Map<number, EntryRow[]>();
    for (const r of rows) {
      const list = byBatch.get(r.batch);
      if (list) list.push(r);
      else byBatch.set(r.batch, [r]);
    }
    for (const b of batches) {
      const stored = byBatch.get(b.sequence) ?? [];
      yield {
        sequence: b.sequence,
        time: b.time.toISOString(),
        previousHash: b.previousHash,
        hash: b.hash,
        entries: stored.map(toEntry),
        declaredEntries: b.entries,
        positions: stored.map((r) => r.position),
      };
    }
    if (batches.length < PAGE) return;
    after = last;
  }
}

/** An entry of a timeline, with the place that pages past it. */
export interface TimelineEntry extends ActivityEntry {
  /** `batch.position`: pass it back as `before` for the next page. */
  id: string;
}

/** One person's (or everyone's) entries in an environment, newest first, a page at a time. */
export async function activityTimeline(
  db: Db,
  query: { namespace: string; subject?: string; before?: string; limit: number },
): Promise<{ entries: TimelineEntry[]; more: boolean }> {
  const where: SQL[] = [eq(activityEntries.namespace, query.namespace)];
  if (query.subject) where.push(eq(activityEntries.subject, query.subject));
  if (query.before) {
    const [batch, position] = query.before.split(".").map(Number) as [number, number];
    where.push(
      or(
        lt(activityEntries.batch, batch),
        and(eq(activityEntries.batch, batch), lt(activityEntries.position, position)),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(activityEntries)
    .where(and(...where))
    .orderBy(desc(activityEntries.batch), desc(activityEntries.position))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((r) => ({ ...toEntry(r), id: `${r.batch}.${r.position}` })),
    more: rows.length > query.limit,
  };
}

/** One person's activity in an environment, summarised: how much of each kind, and from when to when. */
export interface PersonActivitySummary {
  subject: string;
  counts: Partial<Record<ActivityKind, number>>;
  total: number;
  /** The time of their first and last recorded entry. */
  first: string;
  last: string;
}

/** How many entries of each kind each person of an environment has, and their first and last, by person then kind. */
export async function activityCounts(db: Db, namespace: string): Promise<PersonActivitySummary[]> {
  const rows = await db
    .select({
      subject: activityEntries.subject,
      kind: activityEntries.kind,
      n: count(),
      first: min(activityEntries.time),
      last: max(activityEntries.time),
    })
    .from(activityEntries)
    .where(eq(activityEntries.namespace, namespace))
    .groupBy(activityEntries.subject, activityEntries.kind)
    .orderBy(asc(activityEntries.subject), asc(activityEntries.kind));
  const persons = new Map<string, PersonActivitySummary>();
  for (const { subject, kind, n, first, last } of rows) {
    // PGlite and PostgreSQL give min/max of a timestamp as a Date or as text: one ISO form for both.
    const [from, to] = [new Date(first!).toISOString(), new Date(last!).toISOString()];
    const person = persons.get(subject) ?? { subject, counts: {}, total: 0, first: from, last: to };
    person.counts[kind as ActivityKind] = n;
    person.total += n;
    if (from < person.first) person.first = from;
    if (to > person.last) person.last = to;
    persons.set(subject, person);
  }
  return [...persons.values()];
}
