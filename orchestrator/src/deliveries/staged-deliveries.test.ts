import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import { insertEnvironment, stageDelivery } from "../../test/environment-rows";
import type { Database } from "../db/database";
import { deliveries } from "../db/schema";
import { environmentsOf } from "../environments/environment-queries";
import { examplePermit } from "../permits/test-fixtures";
import { newestStagedDeliveries, stagedDatasets } from "./staged-deliveries";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 8, minute));

// The same prepared query on both databases the orchestrator runs on: an array parameter is where they could differ.
describe.each(bothDatabases("spe_staged"))("newest staged deliveries on %s", (_name, open) => {
  let database: Database;
  const tag = Math.random().toString(36).slice(2, 8);
  const one = examplePermit({
    permitId: `SE-STAGED-1-${tag}`,
    datasets: [
      { id: "lmed", version: "2026-09" },
      { id: "patientregistret", version: "2026-09" },
    ],
  });
  const two = examplePermit({ permitId: `SE-STAGED-2-${tag}` });
  const other = examplePermit({ permitId: `SE-STAGED-3-${tag}` });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await open();
    for (const p of [one, two, other]) await insertEnvironment(database.db, p);
    ids.oldLmed = await stageDelivery(database.db, one, one.datasets[0], at(1));
    ids.newLmed = await stageDelivery(database.db, one, one.datasets[0], at(5));
    ids.patients = await stageDelivery(database.db, one, one.datasets[1], at(2));
    // Newer, but failed: a delivery that did not stage replaces nothing.
    ids.failed = await stageDelivery(database.db, one, one.datasets[1], at(9));
    await database.db.update(deliveries).set({ state: "failed" }).where(eq(deliveries.id, ids.failed));
    ids.two = await stageDelivery(database.db, two, two.datasets[0], at(3));
    ids.other = await stageDelivery(database.db, other, other.datasets[0], at(4));
  });
  afterAll(() => database?.close());

  it.each([
    ["no permits", () => [], []],
    ["one permit with two datasets, one delivered twice", () => [one.permitId], ["newLmed", "patients"]],
    ["two permits at once, not the third", () => [one.permitId, two.permitId], ["newLmed", "patients", "two"]],
    ["a permit with nothing staged", () => ["SE-NOTHING"], []],
  ])("%s", async (_case, permits, expected) => {
    const got = await newestStagedDeliveries(database.db, permits());
    expect(got.map((d) => d.deliveryId).sort()).toEqual(expected.map((k) => ids[k]).sort());
  });

  it("gives a permit's datasets in a stable order, each with its files' hashes", async () => {
    const staged = await stagedDatasets(database.db, one.permitId);
    expect(staged.map((s) => [s.datasetId, s.deliveryId])).toEqual([
      ["lmed", ids.newLmed],
      ["patientregistret", ids.patients],
    ]);
    expect(staged[0]!.files).toEqual([{ path: "lmed.parquet", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it("is what the researcher's page shows for each dataset, so that the page and the data loader cannot disagree", async () => {
    const staged = await newestStagedDeliveries(database.db, [one.permitId]);
    const stagedAt = new Map(staged.map((s) => [`${s.datasetId}@${s.version}`, s.finishedAt!.toJSON()]));
    const [page] = (await environmentsOf(database.db, one.authorisedPersons[0]!.subject)).filter(
      (e) => e.permitId === one.permitId,
    );
    expect(page!.datasets.map((d) => [`${d.id}@${d.version}`, d.delivered?.stagedAt])).toEqual(
      one.datasets.map((d) => [`${d.id}@${d.version}`, stagedAt.get(`${d.id}@${d.version}`)]),
    );
    expect([...stagedAt.values()].sort()).toEqual([at(2), at(5)].map((t) => t.toJSON()));
  });
});
