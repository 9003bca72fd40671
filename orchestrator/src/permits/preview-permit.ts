import { eq } from "drizzle-orm";
import type { Db } from "../db/database";
import { permits } from "../db/schema";
import { namespaceFor } from "../environments/namespace-name";
import { importChange, type ImportOptions } from "./import-permit";
import { permitPayloadHash } from "./payload-hash";
import { assertDatasetsCatalogued } from "./permit-datasets";
import { assertToolsOffered } from "./permit-tools";
import { verifyPermit } from "./verify-permit";

/** What accepting a permit will do, in the words of the upload's outcomes. */
export type PreviewOutcome = "created" | "unchanged" | "amended" | "revoked";

/**
 * A signed permit as an operator sees it before accepting it: checked exactly as an import checks it
 * (signature, trusted issuer, fields, datasets in the catalogue, tools offered, the version against the one held), its
 * payload, and what accepting it will do. Nothing is written: the import does that, and checks again.
 */
export async function previewPermit(db: Db, jws: string, options: ImportOptions) {
  const { payload } = await verifyPermit(jws, options);
  const [held] = await db
    .select({ issuer: permits.issuer, sequence: permits.sequence, payloadHash: permits.payloadHash })
    .from(permits)
    .where(eq(permits.permitId, payload.permitId));
  const change = importChange(held, payload, permitPayloadHash(payload));
  if (change === "create" && payload.status !== "revoked") {
    assertDatasetsCatalogued(payload);
    assertToolsOffered(payload, options.offeredTools);
  }
  const outcome: PreviewOutcome =
    payload.status === "revoked"
      ? "revoked"
      : change === "create"
        ? "created"
        : change === "amend"
          ? "amended"
          : "unchanged";
  return {
    outcome,
    namespace: namespaceFor(payload.permitId),
    heldSequence: held?.sequence ?? null,
    payload,
  };
}
