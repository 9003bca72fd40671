import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "../db/database";
import { environments, permitRevisions, permits } from "../db/schema";
import { namespaceFor } from "../environments/namespace-name";
import { SpeError, type SpeErrorCode } from "../errors";
import { importPermit } from "./import-permit";
import type { PermitPayload } from "./permit";
import { permitPayloadHash } from "./payload-hash";
import {
  DURING_PERMIT,
  examplePermit,
  issuerKey,
  OTHER_ISSUER,
  TEST_ISSUER,
  trustOf,
  type IssuerKey,
} from "./test-fixtures";
import type { TrustedIssuers } from "./trusted-issuers";

let se: IssuerKey;
let fi: IssuerKey;
let trustedIssuers: TrustedIssuers;
let database: Database;
const id = examplePermit().permitId;
const namespace = namespaceFor(id);

beforeAll(async () => {
  [se, fi] = await Promise.all([issuerKey("EdDSA", "se-1"), issuerKey("ES256", "fi-1")]);
  trustedIssuers = trustOf({ [TEST_ISSUER]: [se], [OTHER_ISSUER]: [fi] });
  database = await openDatabase({ memory: true });
});
afterAll(() => database.close());
// One migrated database for the file (opening one takes seconds); each test starts from empty tables.
beforeEach(async () => {
  await database.db.delete(environments);
  await database.db.delete(permitRevisions);
  await database.db.delete(permits);
});

const importAt = async (payload: PermitPayload, now = DURING_PERMIT, key = se) =>
  importPermit(database.db, await key.sign(payload), { trustedIssuers, now });

async function refusal(payload: PermitPayload, key = se): Promise<SpeErrorCode> {
  try {
    await importAt(payload, DURING_PERMIT, key);
  } catch (err) {
    expect(err).toBeInstanceOf(SpeError);
    return (err as SpeError).code;
  }
  throw new Error("expected the import to be refused");
}

/** Everything the import may have written, to compare before and after. */
async function tables() {
  const { db } = database;
  return {
    permits: await db.select().from(permits),
    revisions: await db.select().from(permitRevisions),
    environments: await db.select().from(environments),
  };
}

const environmentOf = async (permitId = id) =>
  (await database.db.select().from(environments).where(eq(environments.permitId, permitId)))[0];

describe("importPermit", () => {
  it("creates the permit, its first revision and an active environment at generation 1", async () => {
    const jws = await se.sign(examplePermit());
    const result = await importPermit(database.db, jws, { trustedIssuers, now: DURING_PERMIT });
    expect(result).toEqual({ outcome: "created", permitId: id, sequence: 1, namespace });

    const {
      permits: [permit],
      revisions,
      environments: [environment],
    } = await tables();
    expect(permit).toMatchObject({
      permitId: id,
      issuer: TEST_ISSUER,
      sequence: 1,
      status: "granted",
      payload: examplePermit(),
      payloadHash: permitPayloadHash(examplePermit()),
      validFrom: new Date("2026-11-02T00:00:00Z"),
      validUntil: new Date("2028-11-01T23:59:59Z"),
      receivedAt: DURING_PERMIT,
    });
    expect(revisions).toEqual([
      { permitId: id, sequence: 1, jws, payloadHash: permit!.payloadHash, receivedAt: DURING_PERMIT },
    ]);
    expect(environment).toMatchObject({
      permitId: id,
      namespace,
      desiredState: "active",
      generation: 1,
      observedGeneration: 0,
      conditions: [],
      teardown: null,
    });
  });

  it("treats the identical permit as unchanged, however its JSON is ordered", async () => {
    await importAt(examplePermit());
    const before = await tables();
    const reordered = Object.fromEntries(Object.entries(examplePermit()).reverse()) as PermitPayload;
    expect(await importAt(reordered, new Date(DURING_PERMIT.getTime() + 60_000))).toEqual({
      outcome: "unchanged",
      permitId: id,
      sequence: 1,
      namespace,
    });
    expect(await tables()).toEqual(before);
  });

  it("refuses different content under a sequence it holds", async () => {
    await importAt(examplePermit());
    const before = await tables();
    expect(await refusal(examplePermit({ conditions: "None." }))).toBe("PERMIT_CONFLICT");
    expect(await tables()).toEqual(before);
  });

  it("refuses a sequence older than the one it holds, and says which it holds", async () => {
    await importAt(examplePermit({ sequence: 3 }));
    const before = await tables();
    await expect(importAt(examplePermit({ sequence: 2 }))).rejects.toThrow(
      /sequence 2 is older than the sequence 3 we hold/,
    );
    expect(await refusal(examplePermit({ sequence: 2 }))).toBe("PERMIT_STALE");
    expect(await tables()).toEqual(before);
  });

  it("refuses the same permit id from another issuer", async () => {
    await importAt(examplePermit());
    const before = await tables();
    expect(await refusal(examplePermit({ issuer: OTHER_ISSUER, sequence: 2 }), fi)).toBe("PERMIT_ISSUER_MISMATCH");
    expect(await tables()).toEqual(before);
  });

  it("applies a higher sequence as an amendment: new payload, one more revision, generation moves", async () => {
    await importAt(examplePermit());
    const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };
    const amended = examplePermit({
      sequence: 2,
      authorisedPersons: [...examplePermit().authorisedPersons, bob],
      validUntil: "2029-11-01T23:59:59Z",
    });
    const later = new Date(DURING_PERMIT.getTime() + 3_600_000);
    expect(await importAt(amended, later)).toEqual({ outcome: "amended", permitId: id, sequence: 2, namespace });

    const {
      permits: [permit],
      revisions,
    } = await tables();
    expect(permit).toMatchObject({
      sequence: 2,
      payload: amended,
      payloadHash: permitPayloadHash(amended),
      validUntil: new Date("2029-11-01T23:59:59Z"),
      receivedAt: later,
    });
    expect(revisions.map((r) => r.sequence).sort()).toEqual([1, 2]);
    expect(await environmentOf()).toMatchObject({
      desiredState: "active",
      generation: 2,
      createdAt: DURING_PERMIT,
      updatedAt: later,
    });
  });

  it("keeps an operator's suspension through an amendment", async () => {
    await importAt(examplePermit());
    await database.db
      .update(environments)
      .set({ desiredState: "suspended", generation: 2 })
      .where(eq(environments.permitId, id));
    await importAt(examplePermit({ sequence: 2, conditions: "Amended." }));
    expect(await environmentOf()).toMatchObject({ desiredState: "suspended", generation: 3 });
  });

  it("tears the environment down on revocation, and refuses to grant the permit again", async () => {
    await importAt(examplePermit());
    expect(await importAt(examplePermit({ sequence: 2, status: "revoked" }))).toMatchObject({
      outcome: "revoked",
      sequence: 2,
    });
    expect(await environmentOf()).toMatchObject({ desiredState: "torn-down", generation: 2 });
    expect((await tables()).permits[0]).toMatchObject({ status: "revoked", sequence: 2 });

    const before = await tables();
    expect(await refusal(examplePermit({ sequence: 3 }))).toBe("PERMIT_TORN_DOWN");
    expect(await tables()).toEqual(before);
  });

  it("refuses to bring back an environment torn down at the permit's end", async () => {
    await importAt(examplePermit());
    await database.db.update(environments).set({ desiredState: "torn-down" }).where(eq(environments.permitId, id));
    expect(await refusal(examplePermit({ sequence: 2, validUntil: "2030-01-01T00:00:00Z" }))).toBe("PERMIT_TORN_DOWN");
  });

  it("records a revocation that is the first it hears of a permit, with nothing to run", async () => {
    expect(await importAt(examplePermit({ status: "revoked" }))).toEqual({
      outcome: "revoked",
      permitId: id,
      sequence: 1,
      namespace,
    });
    expect(await environmentOf()).toMatchObject({ desiredState: "torn-down", generation: 1 });
  });

  it("accepts the revocation of a permit that has already ended", async () => {
    await importAt(examplePermit({ validUntil: "2027-06-01T00:00:00Z" }));
    const afterEnd = new Date("2027-07-01T00:00:00Z");
    expect(
      await importAt(examplePermit({ sequence: 2, status: "revoked", validUntil: "2027-06-01T00:00:00Z" }), afterEnd),
    ).toMatchObject({ outcome: "revoked" });
    expect(await environmentOf()).toMatchObject({ desiredState: "torn-down" });
  });

  it("writes nothing for a permit that fails verification", async () => {
    expect(await refusal(examplePermit({ validUntil: "2027-01-01T00:00:00Z" }))).toBe("PERMIT_EXPIRED");
    expect(await tables()).toEqual({ permits: [], revisions: [], environments: [] });
  });

  it("writes nothing when the last write of the transaction fails", async () => {
    // Another permit's environment already holds this permit's namespace: the environments insert, after
    // the permit and its revision, fails on the unique namespace.
    const other = { ...examplePermit({ permitId: "OTHER-1" }) };
    await importAt(other);
    await database.db.update(environments).set({ namespace }).where(eq(environments.permitId, "OTHER-1"));
    const before = await tables();
    await expect(importAt(examplePermit())).rejects.toThrow();
    expect(await tables()).toEqual(before);
    expect((await tables()).permits.map((p) => p.permitId)).toEqual(["OTHER-1"]);
  });
});

describe("importPermit on PostgreSQL, concurrently", () => {
  it("creates a permit once when it arrives many times at once; the others find it unchanged", async () => {
    const postgres = await openDatabase({ url: await freshPostgresUrl() });
    try {
      const jws = await se.sign(examplePermit());
      const results = await Promise.all(
        Array.from({ length: 8 }, () => importPermit(postgres.db, jws, { trustedIssuers, now: DURING_PERMIT })),
      );
      expect(results.map((r) => r.outcome).sort()).toEqual(["created", ...Array(7).fill("unchanged")]);
      expect(await postgres.db.select().from(permitRevisions)).toHaveLength(1);
      expect((await postgres.db.select().from(environments))[0]).toMatchObject({ generation: 1 });
    } finally {
      await postgres.close();
    }
  });
});

describe("a new permit's datasets, against the catalogue", () => {
  const unknown = { id: "lakemedelsregistret", version: "2026-01" };

  it.each([
    ["none", [], "datasets: a new permit must name at least one dataset of the catalogue"],
    [
      "one the catalogue does not hold",
      [{ id: "patientregistret", version: "2026-09" }, unknown],
      "datasets[1]: lakemedelsregistret@2026-01 is not in the catalogue (patientregistret@2026-09)",
    ],
    [
      "a version the catalogue does not hold",
      [{ id: "patientregistret", version: "2025-01" }],
      "datasets[0]: patientregistret@2025-01 is not in the catalogue",
    ],
  ])("refuses %s, naming it, and records nothing", async (_what, datasets, message) => {
    const before = await tables();
    const err = await importAt(examplePermit({ datasets })).catch((e: unknown) => e as SpeError);
    expect(err).toMatchObject({ code: "PERMIT_SCHEMA_INVALID", message: expect.stringContaining(message) });
    expect(await tables()).toEqual(before);
  });

  it("never blocks a revocation, nor an amendment of a permit already held", async () => {
    await importAt(examplePermit());
    // As a permit accepted before the catalogue was checked would: its amendment names what it names.
    expect((await importAt(examplePermit({ sequence: 2, datasets: [unknown] }))).outcome).toBe("amended");
    expect((await importAt(examplePermit({ sequence: 3, datasets: [], status: "revoked" }))).outcome).toBe("revoked");
    // A revocation that is the first we hear of a permit lands too.
    const other = examplePermit({ permitId: "SE-2026-REVOKED", datasets: [unknown], status: "revoked" });
    expect((await importAt(other)).outcome).toBe("revoked");
  });
});

describe("a new permit's tools, against what the installation offers", () => {
  const withTools = (tools: PermitPayload["environment"]["tools"], more: Partial<PermitPayload> = {}) =>
    examplePermit({ environment: { ...examplePermit().environment, tools }, ...more });

  it("refuses a tool the installation does not offer, naming it, and records nothing", async () => {
    const before = await tables();
    const err = await importAt(withTools(["jupyterlab", "vscode"])).catch((e: unknown) => e as SpeError);
    expect(err).toMatchObject({
      code: "PERMIT_SCHEMA_INVALID",
      message: expect.stringContaining(
        "environment.tools[1]: vscode is not offered by this installation (it offers jupyterlab)",
      ),
    });
    expect(await tables()).toEqual(before);
  });

  it("accepts it where the installation offers it, and rstudio wherever JupyterLab is", async () => {
    const jws = await se.sign(withTools(["vscode", "jupyterlab"]));
    const offered = { trustedIssuers, now: DURING_PERMIT, offeredTools: ["jupyterlab", "vscode"] as const };
    expect((await importPermit(database.db, jws, offered)).outcome).toBe("created");
    expect((await importAt(withTools(["rstudio"], { permitId: "SE-2026-R" }))).outcome).toBe("created");
  });

  it("never blocks an amendment of a permit already held", async () => {
    await importAt(examplePermit());
    expect((await importAt(withTools(["vscode"], { sequence: 2 }))).outcome).toBe("amended");
  });
});
