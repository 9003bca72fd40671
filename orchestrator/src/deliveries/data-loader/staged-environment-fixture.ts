// For the staging endpoint's and the loader's tests: an environment with a delivery staged through the
// real pipeline, on a running stack. Not used at run time.
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Stack } from "../../../test/stack";
import { insertEnvironment } from "../../../test/environment-rows";
import { loaderTokenFor } from "../../../test/loader-token";
import type { AuditActor } from "../../audit/audit-hash";
import { DEMO_DATA_HOLDER } from "../../auth/demo-accounts";
import { synthRegisterCsv } from "../../datasets";
import type { StagedDataset } from "../../environments/desired/environment-input";
import { examplePermit } from "../../permits/test-fixtures";
import { receiveDelivery, type DeliveryServices } from "../receive-delivery";
import { stagedDatasets } from "../staged-deliveries";
import { startDelivery } from "../start-delivery";

export interface StagedEnvironment {
  permitId: string;
  namespace: string;
  /** The permit's end: the capabilities the reconciler makes expire then. */
  validUntil: Date;
  staged: StagedDataset;
  /** A real projected token of the namespace's data-loader ServiceAccount, as its loader pod would send it. */
  loaderToken: string;
}

/**
 * A permit valid now with its environment, and a synthetic extract of `rows` rows delivered, pseudonymised
 * and staged for it: into the stack's staging store, or the one `deliveries` names.
 */
export async function stageEnvironment(
  stack: Stack,
  rows = 300,
  deliveries: DeliveryServices = stack.services.deliveries,
): Promise<StagedEnvironment> {
  const { db } = stack.services.database;
  const permit = examplePermit({
    permitId: `SE-LOADER-${randomUUID().slice(0, 8)}`,
    validFrom: "2026-01-01T00:00:00Z",
    validUntil: "2030-01-01T00:00:00Z",
  });
  const namespace = await insertEnvironment(db, permit);
  const holder: AuditActor = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null };
  const { id } = await startDelivery(
    db,
    { permitId: permit.permitId, dataset: permit.datasets[0]! },
    holder,
    deliveries.catalogue,
  );
  await receiveDelivery(db, deliveries, id, Readable.from(synthRegisterCsv({ rows, seed: 11 })), holder);
  const [staged] = await stagedDatasets(db, permit.permitId);
  if (staged?.deliveryId !== id) throw new Error(`The delivery ${id} was not staged`);
  const loaderToken = await loaderTokenFor(namespace);
  return { permitId: permit.permitId, namespace, validUntil: new Date(permit.validUntil), staged, loaderToken };
}
