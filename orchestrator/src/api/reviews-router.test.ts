import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CookieClient } from "../../test/cookie-client";
import { insertEnvironment } from "../../test/environment-rows";
import { insertExportRequest } from "../../test/export-request-rows";
import { startStack, type Stack } from "../../test/stack";
import { callTrpc } from "../../test/trpc-call";
import { auditEvents, exportRequests } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";

describe("the checkers' tools around a request", () => {
  let stack: Stack;
  let karin: CookieClient, kalle: CookieClient, alice: CookieClient;
  let serial = 0;
  const query = (who: CookieClient, path: string, input?: unknown) => callTrpc(who, stack.appUrl, path, input, "GET");
  const call = (who: CookieClient, path: string, input?: unknown) => callTrpc(who, stack.appUrl, path, input);
  type Entry = { id: string; permitId: string; claims: number; claimedByMe: boolean };
  const queued = async (who: CookieClient, id: string) =>
    ((await query(who, "reviews.queue")).data as Entry[]).find((e) => e.id === id);
  const auditOf = (id: string) =>
    stack.services.database.db
      .select({ action: auditEvents.action, actor: auditEvents.actorSubject })
      .from(auditEvents)
      .where(eq(auditEvents.target, `export:${id}`));

  beforeAll(async () => {
    stack = await startStack();
    [karin, kalle, alice] = [await stack.signIn("karin"), await stack.signIn("kalle"), await stack.signIn("alice")];
  });
  afterAll(() => stack?.stop());

  async function submitted(profile = "default"): Promise<string> {
    const db = stack.services.database.db;
    const payload = examplePermit({ permitId: `SE-TOOLS-${Date.now().toString(36)}-${serial++}` });
    const namespace = await insertEnvironment(db, payload);
    const id = await insertExportRequest(db, {
      permitId: payload.permitId,
      namespace,
      requester: "alice",
      state: "submitted",
      quarantine: stack.services.airlock.quarantine,
    });
    await db.update(exportRequests).set({ profile }).where(eq(exportRequests.id, id));
    return id;
  }

  it.each([
    ["default", { threshold: 10, roundingBase: null }],
    ["redact7-round5", { threshold: 8, roundingBase: 5 }],
  ])("shows a checker the rules of the request's profile %s", async (profile, frequency) => {
    const id = await submitted(profile);
    const got = await query(karin, "reviews.get", { id });
    expect(got.error).toBeUndefined();
    const { rules } = got.data as { rules: { name: string; frequency: object } };
    expect(rules.name).toBe(profile);
    expect(rules.frequency).toMatchObject(frequency);
  });

  it("lets a checker take a request: others see how many have taken it, never who", async () => {
    const id = await submitted();
    expect((await call(karin, "reviews.claim", { id })).error).toBeUndefined();
    // Taking it again changes nothing, and is not a second event.
    expect((await call(karin, "reviews.claim", { id })).error).toBeUndefined();
    expect(await queued(karin, id)).toMatchObject({ claims: 1, claimedByMe: true });
    const seenByKalle = await queued(kalle, id);
    expect(seenByKalle).toMatchObject({ claims: 1, claimedByMe: false });
    expect(JSON.stringify(seenByKalle)).not.toContain("karin");
    expect((await query(kalle, "reviews.get", { id })).data).toMatchObject({ claims: 1, claimedByMe: false });

    expect((await call(karin, "reviews.unclaim", { id })).error).toBeUndefined();
    expect(await queued(kalle, id)).toMatchObject({ claims: 0 });
    const events = (await auditOf(id)).filter((e) => e.action !== "export.viewed");
    expect(events).toEqual([
      { action: "export.claimed", actor: "karin" },
      { action: "export.unclaimed", actor: "karin" },
    ]);
  });

  it("refuses a claim on a request that waits for no checker, or by someone on its permit", async () => {
    const db = stack.services.database.db;
    const id = await submitted();
    const byAuthor = await call(alice, "reviews.claim", { id });
    expect(byAuthor.error?.data.code).toBe("FORBIDDEN");
    await db.update(exportRequests).set({ state: "withdrawn" }).where(eq(exportRequests.id, id));
    const late = await call(karin, "reviews.claim", { id });
    expect(late.error?.data.speCode).toBe("EXPORT_REQUEST_STATE_CONFLICT");
    expect(late.error?.message).toMatch(/withdrawn; only a request waiting for checkers can be taken/);
    const bad = await call(karin, "reviews.claim", { id: "not-a-uuid" });
    expect(bad.error?.data.code).toBe("BAD_REQUEST");
  });

  it("shows a checker their own past votes, newest first, a page at a time, and nobody else's", async () => {
    const first = await submitted();
    const second = await submitted();
    for (const [id, vote] of [
      [first, "approve"],
      [second, "request_changes"],
    ] as const) {
      const cast = await call(kalle, "reviews.vote", { id, path: "t.csv", version: 1, vote, comment: "Round it." });
      expect(cast.error).toBeUndefined();
    }
    expect((await call(karin, "reviews.vote", { id: first, path: "t.csv", version: 1, vote: "approve" })).error).toBe(
      undefined,
    );
    type Page = {
      page: number;
      more: boolean;
      votes: Array<{ requestId: string; vote: string; fileDecision: string }>;
    };
    const mine = (await query(kalle, "reviews.history", { page: 0 })).data as Page;
    expect(mine.votes.slice(0, 2).map((v) => [v.requestId, v.vote])).toEqual([
      [second, "request_changes"],
      [first, "approve"],
    ]);
    // Both votes on the first request are in: its file is decided, which the history says.
    expect(mine.votes[1]!.fileDecision).toBe("approved");
    const karins = (await query(karin, "reviews.history", {})).data as Page;
    expect(karins.votes.map((v) => v.requestId)).not.toContain(second);
    const beyond = (await query(kalle, "reviews.history", { page: 50 })).data as Page;
    expect(beyond).toEqual({ page: 50, votes: [], more: false });
    expect((await query(kalle, "reviews.history", { page: -1 })).error?.data.code).toBe("BAD_REQUEST");
  });
});
