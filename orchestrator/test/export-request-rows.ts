import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "../src/db/database";
import { exportFiles, exportRequests } from "../src/db/schema";
import type { RequestState } from "../src/outputs/requests/request-state";
import type { Quarantine } from "../src/outputs/requests/quarantine";

/** A small frequency table, the one file of the requests these helpers make. */
export const REQUEST_TABLE = "age,count\n20-29,40\n30-39,55\n";

/** base64url of a value's JSON, as in a compact JWS. */
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export interface RequestRow {
  permitId: string;
  namespace: string;
  requester: string;
  state: RequestState;
  /** The file's bytes in quarantine; `null` keeps none there, as if the copy were lost. */
  quarantine: Quarantine | null;
  id?: string;
}

/**
 * Writes an export request in `state` straight into the database, with one file `t.csv` (the table above),
 * as the airlock would have left it: checked and in quarantine once submitted, a checker's decision where
 * the state implies one, and a released request's record (JWS-shaped, a JSON payload: a researcher's copy
 * is read out of it and signed anew). For tests of what may happen to a request in a given state.
 */
export async function insertExportRequest(db: Db, row: RequestRow): Promise<string> {
  const { state } = row;
  const id = row.id ?? randomUUID();
  const sha256 = createHash("sha256").update(REQUEST_TABLE).digest("hex");
  if (row.quarantine) {
    const kept = row.quarantine.pathOf(sha256);
    mkdirSync(dirname(kept), { recursive: true });
    writeFileSync(kept, REQUEST_TABLE);
  }
  const now = new Date();
  const draft = state === "draft";
  const released = state === "released";
  await db.insert(exportRequests).values({
    id,
    permitId: row.permitId,
    namespace: row.namespace,
    requester: row.requester,
    title: "Ages",
    justification: "Counts of people per age band.",
    state,
    profile: "default",
    reviewersRequired: 2,
    createdAt: now,
    updatedAt: now,
    submittedAt: draft ? null : now,
    ...(released
      ? { decidedAt: now, releaseRecord: `e30.${base64url({ requestId: id, released: [], withheld: [] })}.c2ln` }
      : {}),
  });
  await db.insert(exportFiles).values({
    requestId: id,
    path: "t.csv",
    version: 1,
    current: true,
    type: "frequency",
    size: REQUEST_TABLE.length,
    sha256: draft ? null : sha256,
    checkStatus: draft ? null : "pass",
    checkReport: draft ? null : {},
    decision: released ? "approved" : state === "changes_requested" ? "changes_requested" : "pending",
    addedAt: now,
  });
  return id;
}
