import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import { insertEnvironment, stageDelivery } from "../../test/environment-rows";
import type { Database } from "../db/database";
import { deliveries, environments } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";
import { environmentsOf, listEnvironments } from "./environment-queries";
import { changeDesiredState } from "./lifecycle";

const at = (minute: number, ms = 0) => new Date(Date.UTC(2026, 10, 23, 8, minute, 0, ms));
const columns = (name: string) => [{ name, type: "integer", role: "attribute" }];

// One SQL statement chooses each dataset's newest staged delivery: the same on both databases the orchestrator runs on.
describe.each(bothDatabases("spe_mine"))("a researcher's environments on %s", (_name, open) => {
  let database: Database;
  const tag = Math.random().toString(36).slice(2, 8);
  const carl = { subject: `carl-${tag}`, name: "Carl Carlsson", email: "carl@uni.example" };
  const dora = { subject: `dora-${tag}`, name: "Dora Dahl", email: "dora@uni.example" };
  const datasets = [
    { id: "lmed", version: "2026-09" },
    { id: "patientregistret", version: "2026-09" },
    { id: "lmed", version: "2025-09" },
  ];
  const older = examplePermit({
    permitId: `SE-MINE-1-${tag}`,
    principalInvestigator: carl,
    authorisedPersons: [carl, dora],
    datasets,
  });
  const newer = examplePermit({ permitId: `SE-MINE-2-${tag}`, principalInvestigator: carl, authorisedPersons: [carl] });
  const notCarls = examplePermit({
    permitId: `SE-MINE-3-${tag}`,
    principalInvestigator: dora,
    authorisedPersons: [dora],
  });

  async function staged(
    permit: typeof older,
    dataset: (typeof datasets)[number],
    when: Date,
    rows: number,
    state: "staged" | "failed" = "staged",
  ) {
    const id = await stageDelivery(database.db, permit, dataset, when);
    await database.db
      .update(deliveries)
      .set({ state, manifest: { files: [], rows, columns: columns(`c${rows}`) } })
      .where(eq(deliveries.id, id));
  }

  beforeAll(async () => {
    database = await open();
    await insertEnvironment(database.db, older, at(0));
    await insertEnvironment(database.db, newer, at(1));
    await insertEnvironment(database.db, notCarls, at(2));
    await staged(older, datasets[0]!, at(3, 250), 10);
    await staged(older, datasets[0]!, at(5, 999), 11);
    await staged(older, datasets[1]!, at(4, 7), 20);
    // Newer, but failed: a delivery that did not stage replaces nothing.
    await staged(older, datasets[1]!, at(9), 21, "failed");
    // Another permit's delivery of the same dataset version is not this permit's.
    await staged(notCarls, datasets[0]!, at(8), 30);
    await staged(newer, newer.datasets[0]!, at(6), 40, "failed");
  });
  afterAll(() => database?.close());

  it("lists the environments whose permit names the person, newest first, and no other", async () => {
    expect((await environmentsOf(database.db, carl.subject)).map((e) => e.permitId)).toEqual([
      newer.permitId,
      older.permitId,
    ]);
    expect((await environmentsOf(database.db, dora.subject)).map((e) => e.permitId)).toEqual([
      notCarls.permitId,
      older.permitId,
    ]);
    expect(await environmentsOf(database.db, "nobody")).toEqual([]);
  });

  it("gives each dataset in the permit's order with its newest staged delivery's rows and columns, or null while awaited", async () => {
    const [newest, oldest] = await environmentsOf(database.db, carl.subject);
    expect(oldest!.datasets).toEqual([
      {
        id: "lmed",
        version: "2026-09",
        delivered: { rows: 11, columns: columns("c11"), stagedAt: "2026-11-23T08:05:00.999Z" },
      },
      {
        id: "patientregistret",
        version: "2026-09",
        delivered: { rows: 20, columns: columns("c20"), stagedAt: "2026-11-23T08:04:00.007Z" },
      },
      { id: "lmed", version: "2025-09", delivered: null },
    ]);
    expect(newest!.datasets).toEqual([{ id: "patientregistret", version: "2026-09", delivered: null }]);
  });

  it("keeps the environment's own fields, as the operators' list has them once written as JSON", async () => {
    const [row] = await environmentsOf(database.db, carl.subject);
    expect(row).toMatchObject({
      namespace: expect.any(String),
      desiredState: "active",
      generation: 2,
      purpose: "Statin use and stroke outcomes",
      permitStatus: "granted",
    });
    // Times as JSON writes a Date: what the answer carried when the rows were read into Dates first.
    expect(row!.createdAt).toBe(at(1).toJSON());
    expect(row!.validFrom).toBe(new Date(newer.validFrom).toJSON());
    expect(row!.conditions).toEqual([]);
    expect(row!.teardown).toBeNull();
  });

  it("answers what the operators' list answers for the same environment, once written as JSON", async () => {
    // Microseconds, a condition and a teardown: where reading into JavaScript first and writing JSON in SQL could part.
    const condition = {
      type: "Ready",
      status: "False" as const,
      reason: "Applying",
      message: 'ä "quoted" ✓',
      lastTransitionTime: "2026-11-23T08:00:00Z",
      observedGeneration: 1,
    };
    await database.db
      .update(environments)
      .set({
        conditions: [condition],
        teardown: { deletedAt: "2026-11-23T09:00:00Z", objects: 3 },
        updatedAt: sql`'2026-11-23 08:00:00.123999+00'`,
      })
      .where(eq(environments.permitId, older.permitId));
    const operators = JSON.parse(JSON.stringify(await listEnvironments(database.db))) as Array<{
      permitId: string;
      conditions: Array<{ message: string }>;
    }>;
    for (const mine of await environmentsOf(database.db, carl.subject)) {
      // The tools the permit offers and the one this person picked are the researcher's own (the start page's).
      const { datasets: _datasets, teardownReason: _reason, tools, tool, ...fields } = mine;
      expect({ tools, tool }).toEqual({ tools: ["jupyterlab"], tool: "jupyterlab" });
      const theirs = operators.find((e) => e.permitId === mine.permitId)!;
      // The same, but a researcher never reads the cluster's own words (they may name its internals).
      expect(fields).toEqual({ ...theirs, conditions: theirs.conditions.map((c) => ({ ...c, message: "" })) });
    }
    expect((await environmentsOf(database.db, carl.subject))[1]!.updatedAt).toBe("2026-11-23T08:00:00.123Z");
  });

  it("gives a torn-down environment the reason its operator gave, and none to one still running", async () => {
    expect((await environmentsOf(database.db, dora.subject)).map((e) => e.teardownReason)).toEqual([null, null]);
    const operator = { subject: "olle", role: "operator" as const, address: "127.0.0.1" };
    const { namespace } = (await environmentsOf(database.db, dora.subject))[0]!;
    await changeDesiredState(database.db, namespace, "suspend", at(10), operator, "Planerat underhåll");
    expect((await environmentsOf(database.db, dora.subject))[0]!.teardownReason).toBeNull();
    await changeDesiredState(database.db, namespace, "teardown", at(11), operator, "Projektet avslutat i förtid");
    const [ended, running] = await environmentsOf(database.db, dora.subject);
    expect([ended!.desiredState, ended!.teardownReason, running!.teardownReason]).toEqual([
      "torn-down",
      "Projektet avslutat i förtid",
      null,
    ]);
  });
});
