import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import type { ManifestColumn } from "../datasets/manifest";
import { newestStagedDeliveries } from "../deliveries/staged-deliveries";

const summary = {
  namespace: environments.namespace,
  permitId: environments.permitId,
  desiredState: environments.desiredState,
  generation: environments.generation,
  observedGeneration: environments.observedGeneration,
  conditions: environments.conditions,
  teardown: environments.teardown,
  createdAt: environments.createdAt,
  updatedAt: environments.updatedAt,
  validFrom: permits.validFrom,
  validUntil: permits.validUntil,
  permitStatus: permits.status,
  purpose: sql<string>`${permits.payload}->'purpose'->>'description'`,
};

/** Every environment, newest first, for operators. */
export function listEnvironments(db: Db) {
  return db.select(summary).from(environments).innerJoin(permits, eq(environments.permitId, permits.permitId)).orderBy(desc(environments.createdAt));
}

/** A dataset of the permit as its researchers see it: awaited, or delivered with its rows and columns. */
export interface EnvironmentDataset {
  id: string;
  version: string;
  delivered: { rows: number; columns: ManifestColumn[]; stagedAt: string } | null;
}

/** The environments whose permit names this person (by OIDC subject): a researcher's view. */
const environmentsOfQuery = (db: Db) =>
  db
    .select({ ...summary, datasets: sql<Array<{ id: string; version: string }>>`${permits.payload}->'datasets'` })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(sql`${permits.payload}->'authorisedPersons' @> ${sql.placeholder("persons")}::jsonb`)
    .orderBy(desc(environments.createdAt))
    .prepare("environments_of_subject");

// A researcher's every page load asks this: prepared once per database, not built per request.
const preparedEnvironmentsOf = new WeakMap<Db, ReturnType<typeof environmentsOfQuery>>();

export async function environmentsOf(db: Db, subject: string) {
  let query = preparedEnvironmentsOf.get(db);
  if (!query) preparedEnvironmentsOf.set(db, (query = environmentsOfQuery(db)));
  const rows = await query.execute({ persons: JSON.stringify([{ subject }]) });
  // Rows and columns from each staged delivery's manifest: names and types, never a value.
  const staged = new Map<string, NonNullable<EnvironmentDataset["delivered"]>>();
  for (const d of await newestStagedDeliveries(db, [...new Set(rows.map((r) => r.permitId))]))
    if (d.manifest) staged.set(`${d.permitId} ${d.datasetId}@${d.version}`, { rows: d.manifest.rows, columns: d.manifest.columns, stagedAt: (d.finishedAt ?? new Date(0)).toISOString() });
  return rows.map((r) => ({
    ...r,
    datasets: r.datasets.map((d): EnvironmentDataset => ({ id: d.id, version: d.version, delivered: staged.get(`${r.permitId} ${d.id}@${d.version}`) ?? null })),
  }));
}

export async function getEnvironment(db: Db, namespace: string) {
  const [row] = await db
    .select({ ...summary, permit: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  return row;
}
