import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { deliveries } from "../db/schema";
import type { DeliveryManifest } from "../datasets/manifest";
import type { StagedDataset } from "../environments/desired/environment-input";

/** The newest staged delivery of one dataset version for one permit. */
export interface NewestStaged {
  permitId: string;
  datasetId: string;
  version: string;
  deliveryId: string;
  manifestSha256: string;
  manifest: DeliveryManifest | null;
  finishedAt: Date | null;
}

const newestStagedQuery = (db: Db) =>
  db
    .selectDistinctOn([deliveries.permitId, deliveries.datasetId, deliveries.datasetVersion], {
      permitId: deliveries.permitId,
      datasetId: deliveries.datasetId,
      version: deliveries.datasetVersion,
      deliveryId: deliveries.id,
      manifestSha256: deliveries.manifestSha256,
      manifest: deliveries.manifest,
      finishedAt: deliveries.finishedAt,
    })
    .from(deliveries)
    .where(and(sql`${deliveries.permitId} = any(${sql.placeholder("permitIds")}::text[])`, eq(deliveries.state, "staged")))
    .orderBy(deliveries.permitId, deliveries.datasetId, deliveries.datasetVersion, desc(deliveries.finishedAt))
    .prepare("newest_staged_deliveries");

// Every researcher's page load and every reconcile asks this: prepared once per database, not built each time.
const preparedNewestStaged = new WeakMap<Db, ReturnType<typeof newestStagedQuery>>();

/** Per permit and dataset version, the newest staged delivery: a later one replaces the earlier. */
export async function newestStagedDeliveries(db: Db, permitIds: readonly string[]): Promise<NewestStaged[]> {
  if (permitIds.length === 0) return [];
  let query = preparedNewestStaged.get(db);
  if (!query) preparedNewestStaged.set(db, (query = newestStagedQuery(db)));
  const rows = await query.execute({ permitIds: [...permitIds] });
  return rows.map((r) => ({ ...r, manifestSha256: r.manifestSha256!, manifest: r.manifest as unknown as DeliveryManifest | null }));
}

/** Per dataset version, the newest staged delivery for a permit, in a stable order. */
export async function stagedDatasets(db: Db, permitId: string): Promise<StagedDataset[]> {
  return (await newestStagedDeliveries(db, [permitId]))
    .map((r) => ({ datasetId: r.datasetId, version: r.version, deliveryId: r.deliveryId, manifestSha256: r.manifestSha256, files: (r.manifest?.files ?? []).map((f) => ({ path: f.path, sha256: f.sha256 })) }))
    .sort((a, b) => `${a.datasetId}@${a.version}`.localeCompare(`${b.datasetId}@${b.version}`));
}
