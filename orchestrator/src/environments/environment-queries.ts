import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { deliveries, environments, permits } from "../db/schema";
import type { DeliveryManifest, ManifestColumn } from "../datasets/manifest";

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
  const staged = await newestStaged(db, [...new Set(rows.map((r) => r.permitId))]);
  return rows.map((r) => ({
    ...r,
    datasets: r.datasets.map((d): EnvironmentDataset => ({ id: d.id, version: d.version, delivered: staged.get(`${r.permitId} ${d.id}@${d.version}`) ?? null })),
  }));
}

/**
 * The newest staged delivery of each (permit, dataset version): its row count and columns from the
 * manifest (names and types, never a value), keyed "<permit> <dataset>@<version>".
 */
async function newestStaged(db: Db, permitIds: string[]): Promise<Map<string, NonNullable<EnvironmentDataset["delivered"]>>> {
  const newest = new Map<string, NonNullable<EnvironmentDataset["delivered"]>>();
  if (permitIds.length === 0) return newest;
  const rows = await db
    .select({ permitId: deliveries.permitId, datasetId: deliveries.datasetId, version: deliveries.datasetVersion, manifest: deliveries.manifest, finishedAt: deliveries.finishedAt })
    .from(deliveries)
    .where(and(inArray(deliveries.permitId, permitIds), eq(deliveries.state, "staged")))
    .orderBy(desc(deliveries.finishedAt));
  for (const r of rows) {
    const key = `${r.permitId} ${r.datasetId}@${r.version}`;
    const manifest = r.manifest as unknown as DeliveryManifest | null;
    if (newest.has(key) || !manifest) continue;
    newest.set(key, { rows: manifest.rows, columns: manifest.columns, stagedAt: (r.finishedAt ?? new Date(0)).toISOString() });
  }
  return newest;
}

export async function getEnvironment(db: Db, namespace: string) {
  const [row] = await db
    .select({ ...summary, permit: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  return row;
}
