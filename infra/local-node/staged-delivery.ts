// For the node's tests only: the orchestrator's delivery pipeline and staging endpoint, run on the host the
// way `npm start` runs them, so that a real data loader Job on the node can fetch a real staged delivery.
import { mkdtempSync, rmSync } from "node:fs";
import type * as k8s from "@kubernetes/client-node";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import Fastify from "fastify";
import { pino } from "pino";
import type { AuditActor } from "../../orchestrator/src/audit/audit-hash";
import { DEMO_DATA_HOLDER } from "../../orchestrator/src/auth/demo-accounts";
import { parseConfig } from "../../orchestrator/src/config";
import { synthRegisterCsv } from "../../orchestrator/src/datasets";
import type { Db } from "../../orchestrator/src/db/database";
import { stagingCapabilitiesFrom } from "../../orchestrator/src/staging/staging-key";
import type { StagingCapabilities } from "../../orchestrator/src/staging/staging-capability";
import { deliveryServices } from "../../orchestrator/src/deliveries/delivery-services";
import { receiveDelivery } from "../../orchestrator/src/deliveries/receive-delivery";
import { startDelivery } from "../../orchestrator/src/deliveries/start-delivery";
import { registerStagingRoutes } from "../../orchestrator/src/http/staging-routes";
import { tokenReviewLoaderIdentity } from "../../orchestrator/src/staging/loader-identity";
import type { StagingStore } from "../../orchestrator/src/staging/staging-store";
import type { PermitPayload } from "../../orchestrator/src/permits/permit";

export interface StagingOnHost {
  /** host:port of the staging endpoint, on the pod network's gateway address. */
  address: string;
  /** Where the deliveries are staged; the controller deletes an environment's with it. */
  store: StagingStore;
  capabilities: StagingCapabilities;
  /** Delivers `rows` synthetic rows of the permit's first dataset through validation and pseudonymisation. */
  deliver(permit: PermitPayload, rows: number): Promise<string>;
  stop(): Promise<void>;
}

/** `orchestrator`: the orchestrator's identity, which asks the API server whether a loader's token is its pod's. */
export async function startStagingOnHost(
  db: Db,
  listenOn: string,
  orchestrator: k8s.KubeConfig,
): Promise<StagingOnHost> {
  const dataDir = mkdtempSync(join(tmpdir(), "spe-node-staging-"));
  const config = parseConfig({ LOG_LEVEL: "silent", DATA_DIR: dataDir });
  const deliveries = deliveryServices(config, pino({ level: "silent" }));
  const capabilities = stagingCapabilitiesFrom(config);
  const app = Fastify();
  registerStagingRoutes(app, {
    db,
    store: deliveries.staging,
    capabilities,
    loaderIdentity: tokenReviewLoaderIdentity(orchestrator),
  });
  await app.listen({ host: listenOn, port: 0 });
  const { port } = app.server.address() as { port: number };
  const holder: AuditActor = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null };
  return {
    address: `${listenOn}:${port}`,
    store: deliveries.staging,
    capabilities,
    async deliver(permit, rows) {
      const { id } = await startDelivery(
        db,
        { permitId: permit.permitId, dataset: permit.datasets[0]! },
        holder,
        deliveries.catalogue,
      );
      await receiveDelivery(db, deliveries, id, Readable.from(synthRegisterCsv({ rows, seed: 7 })), holder);
      return id;
    },
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
