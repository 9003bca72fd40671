import { createHash, randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import canonicalize from "canonicalize";
import { and, eq, ne } from "drizzle-orm";
import type { Logger } from "pino";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { deliveries } from "../db/schema";
import { claimDelivery, refuseUnlessEnvironmentTakesData, stageIntoEnvironment } from "./delivery-claim";
import { writeUpload } from "./write-upload";
import {
  findDataset,
  type DatasetDescriptor,
  ExtractRejectedError,
  type DeliveryManifest,
  pseudonymiseExtract,
} from "../datasets";
import { SpeError } from "../errors";
import { deliveryPrefix, type StagingStore } from "../staging/staging-store";

export interface DeliveryServices {
  catalogue: readonly DatasetDescriptor[];
  /** Never leaves the orchestrator: it derives each permit's pseudonymisation key. */
  masterKey: Uint8Array;
  /** Raw uploads and their pseudonymised form while they are checked; emptied after each delivery. */
  incomingDir: string;
  /** Pseudonymised deliveries, per environment, from where the staging endpoint serves the data loader. */
  staging: StagingStore;
  maxBytes: number;
  /** Where what goes wrong after a delivery is settled (cleanup of staged files) is reported. */
  log: Pick<Logger, "warn" | "error">;
}

export type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * Receives the extract of an open delivery, validates it against the dataset's descriptor and stages its
 * pseudonymised form. The raw upload is deleted whatever happens. A rejected extract keeps nothing but its
 * report (row numbers, never values); a staged one replaces the environment's earlier delivery of the same
 * dataset. Each outcome is an audit event with the hashes that prove what came in and what was staged.
 * One upload claims the delivery (a second is DELIVERY_STATE_CONFLICT), and an environment that takes no
 * more data (revoked, ended, torn down) refuses it with PERMIT_TORN_DOWN, before and again when staging.
 */
export async function receiveDelivery(
  db: Db,
  services: DeliveryServices,
  id: string,
  body: Readable,
  actor: AuditActor,
  now: () => Date = () => new Date(),
): Promise<DeliveryRow> {
  // Outside the try below: an upload that did not get the delivery must not clean up the one that did.
  const delivery = await claimDelivery(db, id, actor);
  const upload = join(services.incomingDir, `${id}-${randomUUID()}`);
  // Pseudonymised beside the upload, then moved into the staging store (a rename for the folder store).
  const output = `${upload}.staged`;
  let staged: DeliveryRow;
  try {
    // Refused before a byte of the body is read; checked again, atomically with teardown, when staged.
    await refuseUnlessEnvironmentTakesData(db, delivery, now());
    const descriptor = findDataset(delivery.datasetId, delivery.datasetVersion, services.catalogue);
    await mkdir(services.incomingDir, { recursive: true, mode: 0o700 });
    const received = await writeUpload(body, upload, services.maxBytes);
    const manifest = await pseudonymiseExtract({
      input: upload,
      outputDir: output,
      descriptor,
      permitId: delivery.permitId,
      masterKey: services.masterKey,
      maxBytes: services.maxBytes,
      now,
    });
    await rm(upload, { force: true });
    await services.staging.importFolder(delivery, output);
    staged = await recordStaged(db, delivery, received, manifest, actor, now());
  } catch (err) {
    // Also what a refused staging leaves: files imported after (or while) teardown deleted the namespace's.
    await services.staging.deleteDelivery(delivery).catch((cleanupErr: unknown) =>
      services.log.error(
        {
          err: cleanupErr,
          delivery: id,
          ns: delivery.namespace,
          store: services.staging.kind,
          prefix: deliveryPrefix(delivery),
        },
        "Failed to delete the staged files of a delivery that failed; they stay until the namespace is torn down, or until an operator deletes the prefix if it is torn down already",
      ),
    );
    // Awaited here, not returned: the finally below runs first and the rejection must already be handled.
    return await recordFailure(db, delivery, err, actor, now());
  } finally {
    await rm(upload, { force: true });
    await rm(output, { recursive: true, force: true });
  }
  await deleteSuperseded(services, staged);
  return staged;
}

/**
 * Only the newest staged delivery of a dataset stays in staging: older pseudonymised copies are removed. The
 * new delivery is committed as staged already, so this is cleanup: a failure is logged, never the delivery's.
 */
async function deleteSuperseded(services: DeliveryServices, keep: DeliveryRow): Promise<void> {
  try {
    await services.staging.deleteOtherDeliveries(keep);
  } catch (err) {
    services.log.error(
      {
        err,
        delivery: keep.id,
        ns: keep.namespace,
        dataset: `${keep.datasetId}@${keep.datasetVersion}`,
        store: services.staging.kind,
      },
      "Failed to delete staged deliveries superseded by a new one; they stay until the next delivery or teardown",
    );
  }
}

async function recordStaged(
  db: Db,
  delivery: DeliveryRow,
  received: { bytes: number; sha256: string },
  manifest: DeliveryManifest,
  actor: AuditActor,
  now: Date,
): Promise<DeliveryRow> {
  const manifestSha256 = createHash("sha256").update(canonicalize(manifest)!).digest("hex");
  const [row] = await db.transaction(async (tx) => {
    // First: a teardown that committed before this refuses it, one that comes later waits for it and finds it.
    await stageIntoEnvironment(tx, delivery, now);
    const updated = await tx
      .update(deliveries)
      .set({
        state: "staged",
        bytes: received.bytes,
        uploadSha256: received.sha256,
        rows: manifest.rows,
        manifest: manifest as unknown as Record<string, unknown>,
        manifestSha256,
        finishedAt: now,
      })
      .where(eq(deliveries.id, delivery.id))
      .returning();
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "delivery.staged",
        target: `delivery:${delivery.id}`,
        details: {
          permitId: delivery.permitId,
          namespace: delivery.namespace,
          dataset: { id: delivery.datasetId, version: delivery.datasetVersion },
          upload: received,
          rows: manifest.rows,
          files: manifest.files,
          manifestSha256,
        },
      },
      now,
    );
    return updated;
  });
  return row!;
}

async function recordFailure(
  db: Db,
  delivery: DeliveryRow,
  err: unknown,
  actor: AuditActor,
  now: Date,
): Promise<never> {
  const rejected = err instanceof ExtractRejectedError;
  const known = err instanceof SpeError;
  const state =
    rejected || (known && err.code === "DELIVERY_TOO_LARGE") || (known && err.code === "DELIVERY_UNREADABLE")
      ? "rejected"
      : "failed";
  const report = rejected ? (err.report as unknown as Record<string, unknown>) : null;
  // A failure of ours (not the extract's) keeps its message out of the record: it may name internals.
  const message = known ? err.message : "The delivery could not be processed; the operators have the details.";
  await db.transaction(async (tx) => {
    // bytes back to null: 0 was the claim of the upload, not a count of what was received.
    await tx
      .update(deliveries)
      .set({ state, bytes: null, report, error: message, finishedAt: now })
      .where(and(eq(deliveries.id, delivery.id), ne(deliveries.state, "staged")));
    await appendAuditEvent(
      tx,
      {
        actor,
        action: state === "rejected" ? "delivery.rejected" : "delivery.failed",
        target: `delivery:${delivery.id}`,
        details: {
          code: known ? err.code : "INTERNAL",
          issues: rejected ? err.report.issues.map((i) => ({ code: i.code, column: i.column, count: i.count })) : [],
        },
      },
      now,
    );
  });
  throw err;
}
