import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CookieClient } from "../../../test/cookie-client";
import { amendEnvironment, insertEnvironment } from "../../../test/environment-rows";
import { insertExportRequest, REQUEST_TABLE as TABLE } from "../../../test/export-request-rows";
import { startStack, type Stack } from "../../../test/stack";
import { callTrpc } from "../../../test/trpc-call";
import { exportRequests } from "../../db/schema";
import type { PermitPayload } from "../../permits/permit";
import { examplePermit } from "../../permits/test-fixtures";
import type { RequestState } from "./request-state";

describe("nothing leaves through a permit that has ended", () => {
  let stack: Stack;
  let alice: CookieClient, karin: CookieClient, kalle: CookieClient, ida: CookieClient;
  let serial = 0;
  const call = (who: CookieClient, path: string, input?: unknown, method: "GET" | "POST" = "POST") =>
    callTrpc(who, stack.appUrl, path, input, method);
  const download = (who: CookieClient, id: string) => who.request(`${stack.appUrl}/exports/${id}/files?path=t.csv`);
  const stateOf = async (id: string) =>
    (
      await stack.services.database.db
        .select({ state: exportRequests.state })
        .from(exportRequests)
        .where(eq(exportRequests.id, id))
    )[0]!.state;

  beforeAll(async () => {
    stack = await startStack();
    [alice, karin, kalle, ida] = [
      await stack.signIn("alice"),
      await stack.signIn("karin"),
      await stack.signIn("kalle"),
      await stack.signIn("ida"),
    ];
  });
  afterAll(() => stack?.stop());

  /** A permit with its environment and one request of alice's in `state`, its file in quarantine. */
  async function requestUnder(
    state: RequestState,
    overrides: Partial<PermitPayload> = {},
  ): Promise<{ id: string; payload: PermitPayload }> {
    const db = stack.services.database.db;
    const payload = examplePermit({ permitId: `SE-ENDED-${Date.now().toString(36)}-${serial++}`, ...overrides });
    const namespace = await insertEnvironment(db, payload);
    const quarantine = stack.services.airlock.quarantine;
    const id = await insertExportRequest(db, {
      permitId: payload.permitId,
      namespace,
      requester: "alice",
      state,
      quarantine,
    });
    return { id, payload };
  }

  const revoke = (payload: PermitPayload) =>
    amendEnvironment(
      stack.services.database.db,
      { ...payload, sequence: payload.sequence + 1, status: "revoked" },
      "torn-down",
    );

  it("takes no votes once the permit is revoked and its environment torn down, so two checkers cannot release it", async () => {
    const { id, payload } = await requestUnder("submitted");
    await revoke(payload);
    for (const checker of [karin, kalle]) {
      const vote = await call(checker, "reviews.vote", { id, path: "t.csv", version: 1, vote: "approve" });
      expect(vote.error?.data.speCode).toBe("EXPORT_PERMIT_ENDED");
      expect(vote.error?.message).toMatch(/was revoked/);
    }
    // A vote against release is no more welcome: nothing about the request moves any more.
    expect(
      (await call(karin, "reviews.vote", { id, path: "t.csv", version: 1, vote: "reject", comment: "No." })).error?.data
        .speCode,
    ).toBe("EXPORT_PERMIT_ENDED");
    expect(await stateOf(id)).toBe("submitted");
    expect((await download(alice, id)).status).toBe(404);
    // It is no longer work for anyone, and the views say why.
    const queue = (await call(karin, "reviews.queue", undefined, "GET")).data as Array<{ id: string }>;
    expect(queue.map((r) => r.id)).not.toContain(id);
    const seen = (await call(karin, "reviews.get", { id }, "GET")).data as { permitEnded: string | null };
    expect(seen.permitEnded).toMatch(/was revoked/);
  });

  it("takes no votes past the permit's validUntil, even before its environment is torn down", async () => {
    const { id } = await requestUnder("in_review", {
      validFrom: "2025-01-01T00:00:00Z",
      validUntil: new Date(Date.now() - 1000).toISOString(),
    });
    const vote = await call(karin, "reviews.vote", { id, path: "t.csv", version: 1, vote: "approve" });
    expect(vote.error?.data.speCode).toBe("EXPORT_PERMIT_ENDED");
    expect(vote.error?.message).toMatch(/ended at/);
    expect(await stateOf(id)).toBe("in_review");
  });

  it("takes no votes while the environment is being torn down", async () => {
    const { id, payload } = await requestUnder("submitted");
    await amendEnvironment(stack.services.database.db, payload, "torn-down");
    const vote = await call(kalle, "reviews.vote", { id, path: "t.csv", version: 1, vote: "approve" });
    expect(vote.error?.data.speCode).toBe("EXPORT_PERMIT_ENDED");
    expect(vote.error?.message).toMatch(/torn down/);
  });

  it("stops serving a released file once the permit is revoked, and audits the refusal", async () => {
    const { id, payload } = await requestUnder("released");
    const before = await download(alice, id);
    expect(before.status).toBe(200);
    expect(await before.text()).toBe(TABLE);
    await revoke(payload);
    const after = await download(alice, id);
    expect(after.status).toBe(410);
    expect(await after.json()).toEqual({ error: "EXPORT_PERMIT_ENDED", message: expect.stringMatching(/was revoked/) });
    const events = (await call(ida, "audit.events", { target: `export:${id}` }, "GET")).data as Array<{
      action: string;
      details: { code?: string };
    }>;
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["export.downloaded", "export.download-refused"]),
    );
    expect(events.find((e) => e.action === "export.download-refused")?.details.code).toBe("EXPORT_PERMIT_ENDED");
    // The signed record of what was released stays readable: it is evidence, not data.
    expect((await alice.request(`${stack.appUrl}/exports/${id}/release-record`)).status).toBe(200);
  });

  it("stops showing a quarantined file to checkers once the permit has ended, and audits the refusal", async () => {
    const { id, payload } = await requestUnder("in_review");
    const preview = () => karin.request(`${stack.appUrl}/reviews/${id}/file?path=t.csv`);
    const before = await preview();
    expect(before.status).toBe(200);
    expect(await before.text()).toBe(TABLE);
    await revoke(payload);
    const after = await preview();
    expect(after.status).toBe(410);
    expect(await after.json()).toEqual({ error: "EXPORT_PERMIT_ENDED", message: expect.stringMatching(/was revoked/) });
    const events = (await call(ida, "audit.events", { target: `export:${id}` }, "GET")).data as Array<{
      action: string;
      actor: { subject: string };
      details: { code?: string };
    }>;
    expect(events.find((e) => e.action === "export.file-view-refused")).toMatchObject({
      actor: { subject: "karin" },
      details: { code: "EXPORT_PERMIT_ENDED" },
    });
  });

  it("stops showing it past the permit's validUntil too", async () => {
    const { id } = await requestUnder("submitted", {
      validFrom: "2025-01-01T00:00:00Z",
      validUntil: new Date(Date.now() - 1000).toISOString(),
    });
    const after = await kalle.request(`${stack.appUrl}/reviews/${id}/file?path=t.csv`);
    expect(after.status).toBe(410);
    expect(((await after.json()) as { message: string }).message).toMatch(/ended at/);
  });

  it("leaves the author only withdrawing once the permit has ended", async () => {
    const { id, payload } = await requestUnder("changes_requested");
    await revoke(payload);
    expect((await call(alice, "exports.revise", { id, path: "t.csv" })).error?.data.speCode).toBe(
      "EXPORT_PERMIT_ENDED",
    );
    expect((await call(alice, "exports.submit", { id })).error?.data.speCode).toBe("EXPORT_PERMIT_ENDED");
    expect((await call(alice, "exports.withdraw", { id })).error).toBeUndefined();
    expect(await stateOf(id)).toBe("withdrawn");
  });
});
