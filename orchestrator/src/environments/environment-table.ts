import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import { reasonsByTone, toneOf, TONES, type Tone } from "./environment-tones";
import type { TableSort } from "./table-options";

/** One page of the operators' table, as the URL asks for it. */
export interface TableQuery {
  /** Matched, ignoring case, against the permit id, the namespace and the permit's purpose. */
  text?: string;
  tone?: Tone;
  sort: TableSort;
  /** From 1. */
  page: number;
  size: number;
}

/** environment-tones.ts' toneOf in SQL, so that the filter and the counts are the database's work. */
const tone = sql<Tone>`case
  when ${environments.desiredState} = 'torn-down' then case when ${environments.readyReason} = 'TornDown' then 'gone' else 'working' end
  when ${environments.desiredState} = 'suspended' then 'paused'
  when ${environments.readyStatus} is null then 'working'
  when ${environments.readyStatus} = 'True' then 'ok'
  ${sql.join(
    reasonsByTone().map(
      ([t, reasons]) =>
        sql`when ${environments.readyReason} in (${sql.join(
          reasons.map((r) => sql`${r}`),
          sql`, `,
        )}) then ${t}`,
    ),
    sql` `,
  )}
  else 'working' end`;

const stateColumns = {
  desiredState: environments.desiredState,
  status: environments.readyStatus,
  reason: environments.readyReason,
  count: sql<number>`count(*)::int`,
};

/** Each sort with its tie-breaker, in the order of the indexes that serve them. */
const ORDER: Record<TableSort, SQL[]> = {
  newest: [desc(environments.createdAt), desc(environments.namespace)],
  oldest: [asc(environments.createdAt), asc(environments.namespace)],
  expiry: [asc(permits.validUntil), asc(environments.namespace)],
  permit: [asc(environments.permitId)],
  // Longest in its state first: what has waited longest is what an operator looks at.
  since: [asc(environments.stateSince), asc(environments.namespace)],
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

function matching(text: string | undefined): SQL | undefined {
  const needle = text?.trim();
  if (!needle) return undefined;
  const pattern = `%${escapeLike(needle)}%`;
  return or(
    ilike(environments.permitId, pattern),
    ilike(environments.namespace, pattern),
    ilike(permits.purpose, pattern),
  );
}

/**
 * One page of environments for operators, filtered and sorted by the database, with how many match the text
 * in each tone (the filter's counts) and in all. Conditions come along for the row's expander.
 */
export async function environmentTable(db: Db, query: TableQuery) {
  const text = matching(query.text);
  const [rows, counted] = await Promise.all([
    db
      .select({
        namespace: environments.namespace,
        permitId: environments.permitId,
        desiredState: environments.desiredState,
        generation: environments.generation,
        observedGeneration: environments.observedGeneration,
        conditions: environments.conditions,
        createdAt: environments.createdAt,
        updatedAt: environments.updatedAt,
        stateSince: environments.stateSince,
        validFrom: permits.validFrom,
        validUntil: permits.validUntil,
        permitStatus: permits.status,
        purpose: permits.purpose,
        tone,
      })
      .from(environments)
      .innerJoin(permits, eq(environments.permitId, permits.permitId))
      .where(and(text, query.tone ? sql`${tone} = ${query.tone}` : undefined))
      .orderBy(...ORDER[query.sort])
      .limit(query.size)
      .offset((query.page - 1) * query.size),
    // The counts need every row's state but, unless the text filter asks for the purpose, not its permit.
    (text
      ? db
          .select(stateColumns)
          .from(environments)
          .innerJoin(permits, eq(environments.permitId, permits.permitId))
          .where(text)
      : db.select(stateColumns).from(environments)
    ).groupBy(environments.desiredState, environments.readyStatus, environments.readyReason),
  ]);
  const counts = Object.fromEntries(TONES.map((t) => [t, 0])) as Record<Tone, number>;
  for (const { desiredState, status, reason, count } of counted)
    counts[toneOf({ desiredState, ready: status === null ? undefined : { status, reason: reason ?? "" } })] += count;
  const all = TONES.reduce((sum, t) => sum + counts[t], 0);
  return { rows, counts, all, total: query.tone ? counts[query.tone] : all, page: query.page, size: query.size };
}
