import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../auth/sessions";
import { searchAuditEvents } from "../audit/search-audit-events";
import type { Context, Services } from "../api/context";
import { appRouter } from "../api/router";
import { openDatabase, type Database } from "../db/database";
import { permits } from "../db/schema";
import { demoPermitPayload } from "./demo-permit";
import { devHdabPrivateKey } from "./dev-hdab";
import { createPermitIntake } from "./permit-intake";
import type { PermitPayload } from "./permit";
import { signPermit } from "./sign-permit";

const operator: Session = {
  subject: "olof",
  name: "Olof",
  email: null,
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};

describe("a permit's preview before it is accepted", () => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;
  const permitId = `SE-PREVIEW-${Date.now().toString(36)}`;
  const base = { ...demoPermitPayload(new Date()), permitId };
  const sign = (payload: PermitPayload) => signPermit(payload, devHdabPrivateKey());
  const held = async () => (await database.db.select().from(permits)).filter((p) => p.permitId === permitId);

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    caller = appRouter.createCaller({
      services: {
        database,
        permitIntake: createPermitIntake({ production: false }),
        environments: { enqueue: () => {} },
      } as unknown as Services,
      session: operator,
      address: "127.0.0.1",
    } satisfies Context);
  });
  afterAll(() => database.close());

  it("shows a new permit's payload and that accepting creates its environment, and keeps nothing", async () => {
    const preview = await caller.permits.preview({ jws: await sign(base) });
    expect(preview).toMatchObject({
      outcome: "created",
      heldSequence: null,
      namespace: expect.stringMatching(/^spe-/),
    });
    expect(preview.payload).toEqual(base);
    expect(await held()).toEqual([]);
  });

  it("says what accepting will do to a permit already held: nothing, an amendment, a revocation, or a refusal", async () => {
    await caller.permits.upload({ jws: await sign(base) });
    expect(await caller.permits.preview({ jws: await sign(base) })).toMatchObject({
      outcome: "unchanged",
      heldSequence: 1,
    });
    expect(await caller.permits.preview({ jws: await sign({ ...base, sequence: 2 }) })).toMatchObject({
      outcome: "amended",
    });
    expect(
      await caller.permits.preview({ jws: await sign({ ...base, sequence: 2, status: "revoked" }) }),
    ).toMatchObject({ outcome: "revoked" });
    const conflicting = { ...base, purpose: { ...base.purpose, description: "Something else" } };
    await expect(caller.permits.preview({ jws: await sign(conflicting) })).rejects.toThrow(/^PERMIT_CONFLICT:/);
    expect((await held()).map((p) => p.sequence)).toEqual([1]);
  });

  it("refuses a forged permit as the upload does, and records the refusal", async () => {
    const [header, payload] = (await sign(base)).split(".");
    await expect(caller.permits.preview({ jws: `${header}.${payload}.${"A".repeat(86)}` })).rejects.toThrow(
      /^PERMIT_SIGNATURE_INVALID:/,
    );
    const [refusal] = await searchAuditEvents(database.db, { action: "permit.refused", limit: 1 });
    expect(refusal).toMatchObject({ actor: { subject: "olof" }, details: { code: "PERMIT_SIGNATURE_INVALID" } });
  });
});
