import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { deliveries, exportRequests } from "../db/schema";
import { changeDesiredState } from "../environments/lifecycle";
import { demoPermitPayload } from "../permits/demo-permit";
import { devHdabPrivateKey } from "../permits/dev-hdab";
import { importPermit } from "../permits/import-permit";
import { createPermitIntake } from "../permits/permit-intake";
import { signPermit } from "../permits/sign-permit";
import type { Context, Services } from "./context";
import { appRouter } from "./router";

const operator: Session = {
  subject: "olof",
  name: "Olof",
  email: null,
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};
const HOUR = 3_600_000;

describe("operators' deliveries list and chart data", () => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;
  let namespace: string;
  const permitId = `SE-VIEWS-${Date.now().toString(36)}`;
  const now = new Date();

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    // These procedures read the database only.
    caller = appRouter.createCaller({
      services: { database } as unknown as Services,
      session: operator,
      address: "127.0.0.1",
    } satisfies Context);
    const { trustedIssuers } = createPermitIntake({ production: false });
    const jws = await signPermit({ ...demoPermitPayload(now), permitId }, devHdabPrivateKey());
    ({ namespace } = await importPermit(database.db, jws, { trustedIssuers, now }));
    await changeDesiredState(database.db, namespace, "suspend", new Date(now.getTime() + 1000), {
      subject: "olof",
      role: "operator",
      address: null,
    });
  });
  afterAll(() => database.close());

  it("lists a refused delivery with the number of its findings, never the findings or a value", async () => {
    const id = randomUUID();
    const report = {
      issues: [
        { code: "VALUE_NOT_A_DATE", column: "indatum", count: 2, rows: [4, 9] },
        { code: "PERSONNUMMER_INVALID", column: "personnummer", count: 1, rows: [7] },
      ],
    };
    await database.db.insert(deliveries).values({
      id,
      permitId,
      namespace,
      datasetId: "patientregistret",
      datasetVersion: "2026-09",
      deliveredBy: "region-demo",
      state: "rejected",
      report,
      error: "2 problems",
      createdAt: now,
      finishedAt: now,
    });
    const [listed] = await caller.deliveries.list();
    expect(listed).toMatchObject({
      id,
      state: "rejected",
      findings: 2,
      rows: null,
      bytes: null,
      datasetId: "patientregistret",
    });
    expect(JSON.stringify(listed)).not.toMatch(/indatum|VALUE_NOT_A_DATE/);
  });

  it("turns the audit log into each environment's transitions, oldest first", async () => {
    const mine = (await caller.statistics.environmentTransitions()).filter((t) => t.namespace === namespace);
    expect(mine.map((t) => t.action)).toEqual(["environment.created", "environment.suspended"]);
  });

  it("measures review turnaround only for requests decided after their latest submission", async () => {
    const request = (submittedAt: Date | null, decidedAt: Date | null) => ({
      id: randomUUID(),
      permitId,
      namespace,
      requester: "alice",
      title: "t",
      justification: "j",
      state: "released" as const,
      profile: "default",
      reviewersRequired: 2,
      createdAt: now,
      updatedAt: now,
      submittedAt,
      decidedAt,
    });
    const decided = request(now, new Date(now.getTime() + 3 * HOUR));
    await database.db
      .insert(exportRequests)
      .values([
        decided,
        request(now, null),
        request(new Date(now.getTime() + 5 * HOUR), new Date(now.getTime() + 4 * HOUR)),
      ]);
    expect(await caller.statistics.reviewTurnaround()).toEqual([
      { id: decided.id, state: "released", submittedAt: decided.submittedAt, decidedAt: decided.decidedAt },
    ]);
  });
});
