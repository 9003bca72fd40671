import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CookieClient } from "../../test/cookie-client";
import { insertEnvironment } from "../../test/environment-rows";
import { insertExportRequest } from "../../test/export-request-rows";
import { startStack, type Stack } from "../../test/stack";
import { callTrpc } from "../../test/trpc-call";
import { exportRequests } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";

describe("the checkers' tools around a request", () => {
  let stack: Stack;
  let karin: CookieClient;
  let serial = 0;
  const query = (who: CookieClient, path: string, input?: unknown) => callTrpc(who, stack.appUrl, path, input, "GET");

  beforeAll(async () => {
    stack = await startStack();
    karin = await stack.signIn("karin");
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
});
