import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { permitRevisions } from "../db/schema";
import { SpeError } from "../errors";
import { DEMO_PERMIT_ID, demoPermitPayload, importDemoPermit } from "./demo-permit";
import { DEV_HDAB_ISSUER } from "./dev-hdab";
import { permitPayloadSchema } from "./permit";
import { trustedIssuersFor } from "./permit-intake";

const now = new Date("2026-11-22T10:15:30.250Z");

describe("the demo permit of the development HDAB", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
  });
  afterAll(() => database.close());

  it("grants alice and bob patientregistret 2026-09 in JupyterLab for a year from now", () => {
    const payload = demoPermitPayload(now);
    expect(permitPayloadSchema.parse(payload)).toEqual(payload);
    expect(payload).toMatchObject({
      issuer: DEV_HDAB_ISSUER,
      status: "granted",
      validFrom: "2026-11-22T10:15:30Z",
      validUntil: "2027-11-22T10:15:30Z",
      principalInvestigator: { subject: "alice" },
      authorisedPersons: [{ subject: "alice" }, { subject: "bob" }],
      datasets: [{ id: "patientregistret", version: "2026-09" }],
      environment: { tools: ["jupyterlab"], cpu: "1500m", memory: "4Gi", storage: "10Gi" },
    });
  });

  it("is created at the first start and unchanged at the next, a minute later", async () => {
    const trustedIssuers = trustedIssuersFor({ production: false });
    expect(await importDemoPermit(database.db, { trustedIssuers, now })).toMatchObject({
      outcome: "created",
      permitId: DEMO_PERMIT_ID,
      sequence: 1,
    });
    const restart = new Date(now.getTime() + 60_000);
    expect(await importDemoPermit(database.db, { trustedIssuers, now: restart })).toMatchObject({
      outcome: "unchanged",
      sequence: 1,
    });
    expect(await database.db.select().from(permitRevisions)).toHaveLength(1);
  });

  it("is refused in production, where the development HDAB is not trusted", async () => {
    const trustedIssuers = trustedIssuersFor({ production: true });
    const refused = importDemoPermit(database.db, { trustedIssuers, now });
    await expect(refused).rejects.toBeInstanceOf(SpeError);
    await expect(refused).rejects.toMatchObject({ code: "PERMIT_ISSUER_UNKNOWN" });
  });
});
