import { and, desc, eq, inArray } from "drizzle-orm";
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

/** Per permit and dataset version, the newest staged delivery: a later one replaces the earlier. */
export async function newestStagedDeliveries(db: Db, permitIds: readonly string[]): Promise<NewestStaged[]> {
  if (permitIds.length === 0) return [];
  const rows = await db
    .select({ permitId: deliveries.permitId, datasetId: deliveries.datasetId, version: deliveries.datasetVersion, deliveryId: deliveries.id, manifestSha256: deliveries.manifestSha256, manifest: deliveries.manifest, finishedAt: deliveries.finishedAt })
    .from(deliveries)
    .where(and(inArray(deliveries.permitId, [...permitIds]), eq(deliveries.state, "staged")))
    .orderBy(desc(deliveries.finishedAt));
  const newest = new Map<string, NewestStaged>();
  for (const r of rows) {
    const key = `${r.permitId} ${r.datasetId}@${r.version}`;
    if (!newest.has(key)) newest.set(key, { ...r, manifestSha256: r.manifestSha256!, manifest: r.manifest as unknown as DeliveryManifest | null });
  }
  return [...newest.values()];
}

/** Per dataset version, the newest staged delivery for a permit, in a stable order. */
export async function stagedDatasets(db: Db, permitId: string): Promise<StagedDataset[]> {
  return (await newestStagedDeliveries(db, [permitId]))
    .map((r) => ({ datasetId: r.datasetId, version: r.version, deliveryId: r.deliveryId, manifestSha256: r.manifestSha256, files: (r.manifest?.files ?? []).map((f) => ({ path: f.path, sha256: f.sha256 })) }))
    .sort((a, b) => `${a.datasetId}@${a.version}`.localeCompare(`${b.datasetId}@${b.version}`));
}
