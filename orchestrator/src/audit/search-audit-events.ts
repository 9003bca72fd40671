import { and, asc, desc, eq, gt, gte, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents, environments, exportRequests } from "../db/schema";
import type { AuditEvent } from "./audit-hash";
import { toAuditEvent } from "./audit-events-query";

/** What an auditor narrows the log by; every field is optional and they combine with "and". */
export interface AuditFilter {
  /** Exact target, e.g. `environment:spe-…`, or a prefix ending in `*` (`permit:SE-*`). */
  target?: string;
  /** Who acted (the actor's subject) only. */
  actor?: string;
  /** A person as the one who acted or the one it was about (`person:…` targets, a `subject` in the details). */
  person?: string;
  /** Exact action, or a prefix ending in `*` (`environment.*`). */
  action?: string;
  /** Events about one environment: its own, its export requests', and those whose details name it. */
  environment?: string;
  /** Events about one permit: its own, its environment's, and those whose details name either. */
  permit?: string;
  /** Free text, case-insensitive, anywhere in the action, target, actor or details. */
  text?: string;
  from?: Date;
  to?: Date;
}

export interface AuditSearch extends AuditFilter {
  /** Events before this sequence: the next (older) page. */
  before?: number;
  /** Events after this sequence: the previous (newer) page. */
  after?: number;
  limit: number;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, "\\$&");

const matches = (column: typeof auditEvents.target | typeof auditEvents.action, value: string): SQL =>
  value.endsWith("*") ? like(column, `${escapeLike(value.slice(0, -1))}%`) : eq(column, value);

const detail = (key: string) => sql`${auditEvents.details} ->> ${key}`;

function aboutEnvironment(namespace: string): SQL {
  return or(
    eq(auditEvents.target, `environment:${namespace}`),
    sql`${detail("namespace")} = ${namespace}`,
    sql`${auditEvents.target} in (select 'export:' || ${exportRequests.id} from ${exportRequests} where ${exportRequests.namespace} = ${namespace})`,
  )!;
}

function aboutPermit(permitId: string): SQL {
  const itsNamespaces = sql`(select ${environments.namespace} from ${environments} where ${environments.permitId} = ${permitId})`;
  return or(
    eq(auditEvents.target, `permit:${permitId}`),
    sql`${detail("permitId")} = ${permitId}`,
    sql`${auditEvents.target} in (select 'environment:' || ${environments.namespace} from ${environments} where ${environments.permitId} = ${permitId})`,
    sql`${detail("namespace")} in ${itsNamespaces}`,
    sql`${auditEvents.target} in (select 'export:' || ${exportRequests.id} from ${exportRequests} where ${exportRequests.permitId} = ${permitId})`,
  )!;
}

/** The SQL conditions of a filter (none: the whole log). */
export function auditFilterConditions(filter: AuditFilter): SQL[] {
  return [
    filter.target ? matches(auditEvents.target, filter.target) : undefined,
    filter.action ? matches(auditEvents.action, filter.action) : undefined,
    filter.actor ? eq(auditEvents.actorSubject, filter.actor) : undefined,
    filter.person
      ? or(
          eq(auditEvents.actorSubject, filter.person),
          eq(auditEvents.target, `person:${filter.person}`),
          sql`${detail("subject")} = ${filter.person}`,
        )
      : undefined,
    filter.environment ? aboutEnvironment(filter.environment) : undefined,
    filter.permit ? aboutPermit(filter.permit) : undefined,
    filter.text
      ? sql`strpos(lower(${auditEvents.action} || ' ' || ${auditEvents.target} || ' ' || ${auditEvents.actorSubject} || ' ' || ${auditEvents.details}::text), ${filter.text.toLowerCase()}) > 0`
      : undefined,
    filter.from ? gte(auditEvents.time, filter.from) : undefined,
    filter.to ? lte(auditEvents.time, filter.to) : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/**
 * Auditors' search, newest first, a page at a time by sequence (keyset: a page costs the same deep in the
 * log as at its head). `before` pages back, `after` pages forward (and wins over `before`); the page is newest first either way.
 */
export async function searchAuditEvents(db: Db, search: AuditSearch): Promise<AuditEvent[]> {
  const where = auditFilterConditions(search);
  if (search.after !== undefined) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(...where, gt(auditEvents.sequence, search.after)))
      .orderBy(asc(auditEvents.sequence))
      .limit(search.limit);
    return rows.reverse().map(toAuditEvent);
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where, search.before ? lt(auditEvents.sequence, search.before) : undefined))
    .orderBy(desc(auditEvents.sequence))
    .limit(search.limit);
  return rows.map(toAuditEvent);
}

/** A page of the log with whether there are older and newer events that match, for paging both ways. */
export interface AuditPage {
  events: AuditEvent[];
  older: boolean;
  newer: boolean;
}

export async function auditPage(db: Db, search: AuditSearch): Promise<AuditPage> {
  // One more than asked, to know without a count whether the log goes on in the direction of paging.
  const fetched = await searchAuditEvents(db, { ...search, limit: search.limit + 1 });
  const forward = search.after !== undefined;
  const events = forward ? fetched.slice(-search.limit) : fetched.slice(0, search.limit);
  const more = fetched.length > search.limit;
  const exists = async (where: SQL) =>
    (
      await db
        .select({ sequence: auditEvents.sequence })
        .from(auditEvents)
        .where(and(...auditFilterConditions(search), where))
        .limit(1)
    ).length > 0;
  const first = events[0]?.sequence;
  const last = events.at(-1)?.sequence;
  if (forward)
    return {
      events,
      newer: more,
      older: await exists(lt(auditEvents.sequence, last ?? search.after! + 1)),
    };
  return {
    events,
    older: more,
    newer: search.before === undefined ? false : await exists(gt(auditEvents.sequence, first ?? search.before - 1)),
  };
}
