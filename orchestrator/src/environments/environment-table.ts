import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import { reasonsByTone, TONES, type Tone } from "./environment-tones";
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

/** The Ready condition of a row, or SQL null before the reconciler wrote one. */
const ready = sql`jsonb_path_query_first(${environments.conditions}, '$[*] ? (@.type == "Ready")')`;
const readyReason = sql`(${ready}->>'reason')`;

/** environment-tones.ts' toneOf in SQL, so that the filter and the counts are the database's work. */
const tone = sql<Tone>`case
  when ${environments.desiredState} = 'torn-down' then case when ${readyReason} = 'TornDown' then 'gone' else 'working' end
  when ${environments.desiredState} = 'suspended' then 'paused'
  when ${ready} is null then 'working'
  when ${ready}->>'status' = 'True' then 'ok'
  ${sql.join(
    reasonsByTone().map(
      ([t, reasons]) =>
        sql`when ${readyReason} in (${sql.join(
          reasons.map((r) => sql`${r}`),
          sql`, `,
        )}) then ${t}`,
    ),
    sql` `,
  )}
  else 'working' end`;

const ORDER: Record<TableSort, SQL[]> = {
  newest: [desc(environments.createdAt)],
  oldest: [asc(environments.createdAt)],
  expiry: [asc(permits.validUntil)],
  permit: [asc(environments.permitId)],
  // Longest in its state first: what has waited longest is what an operator looks at.
  since: [asc(environments.stateSince)],
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

function matching(text: string | undefined): SQL | undefined {
  const needle = text?.trim();
  if (!needle) return undefined;
  const pattern = `%${escapeLike(needle)}%`;
  return or(
    ilike(environments.permitId, pattern),
    ilike(environments.namespace, pattern),
    ilike(sql`${permits.payload}->'purpose'->>'description'`, pattern),
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
        purpose: sql<string | null>`${permits.payload}->'purpose'->>'description'`,
        tone,
      })
      .from(environments)
      .innerJoin(permits, eq(environments.permitId, permits.permitId))
      .where(and(text, query.tone ? sql`${tone} = ${query.tone}` : undefined))
      .orderBy(...ORDER[query.sort], asc(environments.namespace))
      .limit(query.size)
      .offset((query.page - 1) * query.size),
    db
      .select({ tone, count: sql<number>`count(*)::int` })
      .from(environments)
      .innerJoin(permits, eq(environments.permitId, permits.permitId))
      .where(text)
      .groupBy(sql`1`),
  ]);
  const counts = Object.fromEntries(TONES.map((t) => [t, 0])) as Record<Tone, number>;
  for (const c of counted) counts[c.tone] = c.count;
  const all = TONES.reduce((sum, t) => sum + counts[t], 0);
  return { rows, counts, all, total: query.tone ? counts[query.tone] : all, page: query.page, size: query.size };
}
