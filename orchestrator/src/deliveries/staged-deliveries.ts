import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/database";
import { deliveries } from "../db/schema";
import type { DeliveryManifest } from "../datasets/manifest";
import type { StagedDataset } from "../environments/desired/environment-input";


/** Per dataset version, the newest staged delivery for a permit, in a stable order. */
export async function stagedDatasets(db: Db, permitId: string): Promise<StagedDataset[]> {
  const rows = await db
    .select({ datasetId: deliveries.datasetId, version: deliveries.datasetVersion, deliveryId: deliveries.id, manifestSha256: deliveries.manifestSha256, manifest: deliveries.manifest })
    .from(deliveries)
    .where(and(eq(deliveries.permitId, permitId), eq(deliveries.state, "staged")))
    .orderBy(desc(deliveries.finishedAt));
  const newest = new Map<string, StagedDataset>();
  for (const r of rows) {
    const key = `${r.datasetId}@${r.version}`;
    if (newest.has(key)) continue;
    const files = ((r.manifest as unknown as DeliveryManifest | null)?.files ?? []).map((f) => ({ path: f.path, sha256: f.sha256 }));
    newest.set(key, { datasetId: r.datasetId, version: r.version, deliveryId: r.deliveryId, manifestSha256: r.manifestSha256!, files });
  }
  return [...newest.values()].sort((a, b) => `${a.datasetId}@${a.version}`.localeCompare(`${b.datasetId}@${b.version}`));
}
