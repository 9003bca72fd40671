import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, insertEnvironment } from "../../../test/environment-rows";
import { eventually } from "../../../test/eventually";
import { bothDatabases } from "../../../test/fresh-postgres";
import type { AuditActor } from "../../audit/audit-hash";
import type { Database } from "../../db/database";
import { exportFiles, exportRequests } from "../../db/schema";
import type { PermitPayload } from "../../permits/permit";
import { examplePermit } from "../../permits/test-fixtures";
import { castVote } from "./cast-vote";
import { lockPermitStanding } from "./permit-standing";
import type { ReleaseSigner } from "./release-record";
import { loadReleaseSigner } from "./release-signer";

const checker = (subject: string): AuditActor => ({ subject, role: "output-checker", address: null });

describe.each(bothDatabases("spe_vote"))("votes and the permit's end on %s", (kind, open) => {
  let database: Database;
  let signer: ReleaseSigner;
  let serial = 0;

  beforeAll(async () => {
    database = await open();
    signer = await loadReleaseSigner(join(mkdtempSync(join(tmpdir(), "spe-vote-")), "release-signing.jwk"), {
      createIfMissing: true,
    });
  });
  afterAll(() => database?.close());

  async function submitted(): Promise<{ id: string; payload: PermitPayload }> {
    const { db } = database;
    const payload = examplePermit({ permitId: `SE-VOTE-${serial++}` });
    const namespace = await insertEnvironment(db, payload);
    const id = randomUUID();
    const now = new Date();
    await db.insert(exportRequests).values({
      id,
      permitId: payload.permitId,
      namespace,
      requester: "alice",
      title: "Ages",
      justification: "Counts per age band.",
      state: "submitted",
      profile: "default",
      reviewersRequired: 2,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
    });
    await db.insert(exportFiles).values({
      requestId: id,
      path: "t.csv",
      version: 1,
      current: true,
      type: "frequency",
      size: 10,
      sha256: "a".repeat(64),
      checkStatus: "pass",
      checkReport: {},
      decision: "pending",
      addedAt: now,
    });
    return { id, payload };
  }
  const revoke = (payload: PermitPayload) =>
    amendEnvironment(database.db, { ...payload, sequence: payload.sequence + 1, status: "revoked" }, "torn-down");
  const vote = (id: string, who: string) =>
    castVote(database.db, signer, { id, path: "t.csv", version: 1, vote: "approve", comment: "" }, checker(who));

  it("refuses the vote that would release a file once the permit is revoked", async () => {
    const { id, payload } = await submitted();
    expect(await vote(id, "karin")).toEqual({ decision: "pending", state: "in_review" });
    await revoke(payload);
    await expect(vote(id, "kalle")).rejects.toMatchObject({
      code: "EXPORT_PERMIT_ENDED",
      message: expect.stringMatching(/was revoked/),
    });
    const [row] = await database.db
      .select({ state: exportRequests.state, releaseRecord: exportRequests.releaseRecord })
      .from(exportRequests)
      .where(eq(exportRequests.id, id));
    expect(row).toEqual({ state: "in_review", releaseRecord: null });
  });

  it.runIf(kind === "PostgreSQL")("makes a revocation wait for a vote that read the permit in force", async () => {
    const { db } = database;
    const { payload } = await submitted();
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    let readIt!: () => void;
    const read = new Promise<void>((resolve) => (readIt = resolve));
    const voting = db.transaction(async (tx) => {
      expect(await lockPermitStanding(tx, payload.permitId)).toMatchObject({ status: "granted" });
      readIt();
      await held;
    });
    await read;
    let revoked = false;
    const revoking = revoke(payload).then(() => (revoked = true));
    // The revocation's update is queued behind the vote's share lock, not merely slow.
    const waitingForLocks = async () =>
      (
        (await db.execute(
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )) as unknown as { rows: Array<{ n: number }> }
      ).rows[0]!.n > 0;
    await eventually("the revocation waits on a lock", waitingForLocks);
    expect(revoked).toBe(false);
    letGo();
    await voting;
    await revoking;
    expect(revoked).toBe(true);
  });
});
