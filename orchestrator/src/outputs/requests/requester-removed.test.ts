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

const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };

describe("a person removed from the permit: their export requests stay but cannot proceed", () => {
  let stack: Stack;
  let alice: CookieClient, bobClient: CookieClient, karin: CookieClient, kalle: CookieClient, ida: CookieClient;
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
    [alice, bobClient, karin, kalle, ida] = [
      await stack.signIn("alice"),
      await stack.signIn("bob"),
      await stack.signIn("karin"),
      await stack.signIn("kalle"),
      await stack.signIn("ida"),
    ];
  });
  afterAll(() => stack?.stop());

  /** A permit naming alice and bob, with its environment and one request of bob's in `state`, its file in quarantine. */
  async function bobsRequest(state: RequestState): Promise<{ id: string; payload: PermitPayload }> {
    const db = stack.services.database.db;
    const base = examplePermit({ permitId: `SE-LEFT-${Date.now().toString(36)}-${serial++}` });
    const payload = { ...base, authorisedPersons: [...base.authorisedPersons, bob] };
    const namespace = await insertEnvironment(db, payload);
    const quarantine = stack.services.airlock.quarantine;
    const id = await insertExportRequest(db, {
      permitId: payload.permitId,
      namespace,
      requester: "bob",
      state,
      quarantine,
    });
    return { id, payload };
  }

  /** The amendment that names only alice: bob is no longer in the permit. */
  const removeBob = (payload: PermitPayload) =>
    amendEnvironment(stack.services.database.db, {
      ...payload,
      sequence: payload.sequence + 1,
      authorisedPersons: payload.authorisedPersons.filter((p) => p.subject !== "bob"),
    });

  it("takes no votes, so no release, and the checkers' queue and view say why", async () => {
    const { id, payload } = await bobsRequest("submitted");
    await removeBob(payload);
    for (const checker of [karin, kalle]) {
      const vote = await call(checker, "reviews.vote", { id, path: "t.csv", version: 1, vote: "approve" });
      expect(vote.error?.data.speCode).toBe("EXPORT_REQUESTER_REMOVED");
      expect(vote.error?.message).toMatch(/bob is no longer named in permit/);
    }
    expect(
      (await call(karin, "reviews.vote", { id, path: "t.csv", version: 1, vote: "reject", comment: "No." })).error?.data
        .speCode,
    ).toBe("EXPORT_REQUESTER_REMOVED");
    expect(await stateOf(id)).toBe("submitted");

    // Still listed for the record, marked, and no longer anyone's work to vote on.
    const queue = (await call(karin, "reviews.queue", undefined, "GET")).data as Array<{
      id: string;
      requesterRemoved: boolean;
      awaitingMe: number;
    }>;
    expect(queue.find((r) => r.id === id)).toMatchObject({ requesterRemoved: true, awaitingMe: 0 });
    const seen = (await call(karin, "reviews.get", { id }, "GET")).data as {
      requesterRemoved: string | null;
      permitEnded: string | null;
      files: Array<{ awaitingMe: boolean }>;
    };
    expect(seen.requesterRemoved).toMatch(/stays for the record/);
    expect(seen.permitEnded).toBeNull();
    expect(seen.files.map((f) => f.awaitingMe)).toEqual([false]);
  });

  it("lists a request of a person still named without the mark", async () => {
    const { id } = await bobsRequest("submitted");
    const queue = (await call(karin, "reviews.queue", undefined, "GET")).data as Array<{
      id: string;
      requesterRemoved: boolean;
      awaitingMe: number;
    }>;
    expect(queue.find((r) => r.id === id)).toMatchObject({ requesterRemoved: false, awaitingMe: 1 });
  });

  it("takes votes again once an amendment names the person anew", async () => {
    const { id, payload } = await bobsRequest("submitted");
    await removeBob(payload);
    await amendEnvironment(stack.services.database.db, { ...payload, sequence: payload.sequence + 2 });
    const vote = await call(karin, "reviews.vote", { id, path: "t.csv", version: 1, vote: "approve" });
    expect(vote.error).toBeUndefined();
    expect(await stateOf(id)).toBe("in_review");
  });

  it("stops showing the quarantined file to checkers, and audits the refusal", async () => {
    const { id, payload } = await bobsRequest("in_review");
    const preview = () => karin.request(`${stack.appUrl}/reviews/${id}/file?path=t.csv`);
    expect((await preview()).status).toBe(200);
    await removeBob(payload);
    const after = await preview();
    expect(after.status).toBe(410);
    expect(await after.json()).toEqual({
      error: "EXPORT_REQUESTER_REMOVED",
      message: expect.stringMatching(/no longer named/),
    });
    const events = (await call(ida, "audit.events", { target: `export:${id}` }, "GET")).data as Array<{
      action: string;
      actor: { subject: string };
      details: { code?: string };
    }>;
    expect(events.find((e) => e.action === "export.file-view-refused")).toMatchObject({
      actor: { subject: "karin" },
      details: { code: "EXPORT_REQUESTER_REMOVED" },
    });
  });

  it("lets the removed person neither see nor submit their draft, and shows it, marked, to the researcher who remains", async () => {
    const { id, payload } = await bobsRequest("draft");
    const listed = async (who: CookieClient) =>
      (
        (await call(who, "exports.list", undefined, "GET")).data as Array<{ id: string; requesterRemoved: boolean }>
      ).find((r) => r.id === id);
    expect(await listed(alice)).toMatchObject({ requesterRemoved: false });
    await removeBob(payload);

    expect((await call(bobClient, "exports.submit", { id })).error?.data.speCode).toBe("EXPORT_REQUEST_NOT_FOUND");
    expect((await call(bobClient, "exports.get", { id }, "GET")).error?.data.speCode).toBe("EXPORT_REQUEST_NOT_FOUND");
    expect(await listed(bobClient)).toBeUndefined();
    expect(await stateOf(id)).toBe("draft");

    expect(await listed(alice)).toMatchObject({ requesterRemoved: true });
    const view = (await call(alice, "exports.get", { id }, "GET")).data as { requesterRemoved: string | null };
    expect(view.requesterRemoved).toMatch(/bob is no longer named/);
    // Only its author could move it on, and its author is gone.
    expect((await call(alice, "exports.submit", { id })).error?.data.speCode).toBe("EXPORT_REQUEST_STATE_CONFLICT");
  });

  it("no longer serves a released file to the removed person; the persons still named keep it", async () => {
    const { id, payload } = await bobsRequest("released");
    expect((await download(bobClient, id)).status).toBe(200);
    await removeBob(payload);
    expect((await download(bobClient, id)).status).toBe(404);
    const kept = await download(alice, id);
    expect(kept.status).toBe(200);
    expect(await kept.text()).toBe(TABLE);
  });
});
