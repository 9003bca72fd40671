import { sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { newestStagedDeliveries as newestStaged } from "../db/schema";
import type { DeliveryManifest } from "../datasets";
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
    .select({
      permitId: newestStaged.permitId,
      datasetId: newestStaged.datasetId,
      version: newestStaged.datasetVersion,
      deliveryId: newestStaged.id,
      manifestSha256: newestStaged.manifestSha256,
      manifest: newestStaged.manifest,
      finishedAt: newestStaged.finishedAt,
    })
    .from(newestStaged)
    .where(sql`${newestStaged.permitId} = any(${sql.placeholder("permitIds")}::text[])`)
    .prepare("newest_staged_deliveries");

// Every researcher's page load and every reconcile asks this: prepared once per database, not built each time.
const preparedNewestStaged = new WeakMap<Db, ReturnType<typeof newestStagedQuery>>();

/** Per permit and dataset version, the newest staged delivery (the view newest_staged_deliveries). */
export async function newestStagedDeliveries(db: Db, permitIds: readonly string[]): Promise<NewestStaged[]> {
  if (permitIds.length === 0) return [];
  let query = preparedNewestStaged.get(db);
  if (!query) preparedNewestStaged.set(db, (query = newestStagedQuery(db)));
  const rows = await query.execute({ permitIds: [...permitIds] });
  return rows.map((r) => ({
    ...r,
    manifestSha256: r.manifestSha256!,
    manifest: r.manifest as unknown as DeliveryManifest | null,
  }));
}

/** Per dataset version, the newest staged delivery for a permit, in a stable order. */
export async function stagedDatasets(db: Db, permitId: string): Promise<StagedDataset[]> {
  return (await newestStagedDeliveries(db, [permitId]))
    .map((r) => ({
      datasetId: r.datasetId,
      version: r.version,
      deliveryId: r.deliveryId,
      manifestSha256: r.manifestSha256,
      files: (r.manifest?.files ?? []).map((f) => ({ path: f.path, sha256: f.sha256 })),
    }))
    .sort((a, b) => `${a.datasetId}@${a.version}`.localeCompare(`${b.datasetId}@${b.version}`));
}
