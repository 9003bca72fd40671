import { Readable } from "node:stream";
import type { AuditActor } from "../audit/audit-hash";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import type { Db } from "../db/database";
import { synthRegisterCsv } from "../datasets";
import { DEMO_PERMIT_ID } from "../permits/demo-permit";
import { receiveDelivery, type DeliveryServices } from "./receive-delivery";
import { stagedDatasets } from "./staged-deliveries";
import { startDelivery } from "./start-delivery";

/** Rows of the synthetic Patientregistret extract the demo environment gets: enough to look real, quick to stage. */
const DEMO_ROWS = 20_000;

/**
 * The demo permit's dataset, delivered once by the demo data holder: a synthetic extract through the real
 * pipeline (validation, pseudonymisation, staging, audit), so the demo environment has data to show.
 */
export async function deliverDemoExtract(db: Db, services: DeliveryServices): Promise<string> {
  if ((await stagedDatasets(db, DEMO_PERMIT_ID)).length > 0) return "already staged";
  const holder: AuditActor = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null };
  const { id } = await startDelivery(
    db,
    { permitId: DEMO_PERMIT_ID, dataset: { id: "patientregistret", version: "2026-09" } },
    holder,
    services.catalogue,
  );
  const delivery = await receiveDelivery(
    db,
    services,
    id,
    Readable.from(synthRegisterCsv({ rows: DEMO_ROWS, seed: 2026 })),
    holder,
  );
  return `staged ${delivery.rows} synthetic rows (delivery ${id})`;
}
