import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import { insertEnvironment } from "../../test/environment-rows";
import type { Database } from "../db/database";
import { environmentConditionChanges, environments, type Condition } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";
import { environmentTable, type TableQuery } from "./environment-table";
import { saveStatus } from "./environment-store";
import { changeDesiredState } from "./lifecycle";
import { toneOf } from "./environment-tones";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 8, minute));
const ready = (status: Condition["status"], reason: string, when = at(0)): Condition => ({
  type: "Ready",
  status,
  reason,
  message: reason,
  observedGeneration: 1,
  lastTransitionTime: when.toISOString(),
});
const operator = { subject: "olof", role: "operator", address: null } as const;
const query = (q: Partial<TableQuery> = {}): TableQuery => ({ sort: "newest", page: 1, size: 25, ...q });

// The table's SQL and its triggers on both databases the orchestrator runs on.
describe.each(bothDatabases("spe_table"))("the operators' table on %s", (_name, open) => {
  let database: Database;
  const tag = Math.random().toString(36).slice(2, 8);
  const id = (n: number) => `SE-TABLE-${String(n).padStart(2, "0")}-${tag}`;
  const namespaces: string[] = [];

  beforeAll(async () => {
    database = await open();
    // 30 environments, a minute apart; every third a statin study.
    for (let n = 0; n < 30; n++) {
      const purpose = { category: "scientific-research" as const, description: n % 3 ? "Diabetes care" : "Statin use" };
      const permit = examplePermit({
        permitId: id(n),
        purpose,
        validUntil: new Date(Date.UTC(2028, 0, 30 - n)).toISOString(),
      });
      namespaces.push(await insertEnvironment(database.db, permit, at(n)));
    }
    // Six ready, two failed, one stuck (an image that cannot be pulled), one suspended; the rest never reconciled.
    for (const n of [0, 1, 2, 3, 4, 5])
      await saveStatus(database.db, namespaces[n]!, [ready("True", "Ready")], 1, at(40));
    for (const n of [6, 7]) await saveStatus(database.db, namespaces[n]!, [ready("False", "ApplyFailed")], 1, at(41));
    await saveStatus(database.db, namespaces[10]!, [ready("False", "ImagePullFailed")], 1, at(41));
    await changeDesiredState(database.db, namespaces[8]!, "suspend", at(42), operator, "Maintenance of the node");
  });
  afterAll(() => database.close());

  const mine = async (q: Partial<TableQuery>) => {
    const page = await environmentTable(database.db, query({ text: tag, ...q }));
    return { ...page, ids: page.rows.map((r) => r.permitId) };
  };

  it("pages newest first, and counts every environment in each state", async () => {
    const first = await mine({});
    expect(first.ids).toEqual(Array.from({ length: 25 }, (_, i) => id(29 - i)));
    expect(first).toMatchObject({ all: 30, total: 30, counts: { ok: 6, problem: 3, paused: 1, working: 20, gone: 0 } });
    expect((await mine({ page: 2 })).ids).toEqual([id(4), id(3), id(2), id(1), id(0)]);
    expect((await mine({ page: 3 })).rows).toEqual([]);
  });

  it("filters by state in the database, the same tone as the UI gives a row", async () => {
    const problems = await mine({ tone: "problem" });
    expect(problems.ids).toEqual([id(10), id(7), id(6)]);
    expect(problems.total).toBe(3);
    expect(problems.rows.every((r) => r.tone === "problem")).toBe(true);
    for (const row of (await mine({ size: 50 })).rows)
      expect(row.tone).toBe(
        toneOf({ desiredState: row.desiredState, ready: row.conditions.find((c) => c.type === "Ready") }),
      );
  });

  it("matches text in the permit, the namespace or the purpose, taking % and _ literally", async () => {
    const statins = await environmentTable(database.db, query({ text: `statin use`, size: 100 }));
    expect(statins.rows.filter((r) => r.permitId.endsWith(tag))).toHaveLength(10);
    expect((await mine({ text: namespaces[12] })).ids).toEqual([id(12)]);
    expect((await environmentTable(database.db, query({ text: "%" }))).total).toBe(0);
  });

  it("sorts by expiry, permit and time in the state", async () => {
    expect((await mine({ sort: "expiry", size: 25 })).ids.slice(0, 2)).toEqual([id(29), id(28)]);
    expect((await mine({ sort: "permit" })).ids.slice(0, 2)).toEqual([id(0), id(1)]);
    // The never-reconciled have been in their state since they were made; the suspended one since minute 42.
    const since = await mine({ sort: "since", size: 100 });
    expect(since.ids.slice(0, 2)).toEqual([id(9), id(11)]);
    expect(since.ids.at(-1)).toBe(id(8));
  });

  it("keeps 'in this state since' across writes that leave the state as it was", async () => {
    const ns = namespaces[0]!;
    const sinceOf = async () =>
      (await database.db.select().from(environments).where(eq(environments.namespace, ns)))[0]!.stateSince;
    expect(await sinceOf()).toEqual(at(40));
    // A resync rewrites the same conditions: the state and its time stay.
    await saveStatus(database.db, ns, [ready("True", "Ready")], 1, at(50));
    expect(await sinceOf()).toEqual(at(40));
    await saveStatus(database.db, ns, [ready("False", "Starting")], 2, at(51));
    expect(await sinceOf()).toEqual(at(51));
  });

  it("records each change of a condition, once, for the environment's page", async () => {
    const ns = namespaces[1]!;
    await saveStatus(database.db, ns, [ready("True", "Ready")], 1, at(52));
    await saveStatus(database.db, ns, [ready("False", "LoadFailed")], 2, at(53));
    await saveStatus(database.db, ns, [ready("False", "LoadFailed")], 2, at(54));
    const changes = await database.db
      .select()
      .from(environmentConditionChanges)
      .where(eq(environmentConditionChanges.namespace, ns))
      .orderBy(environmentConditionChanges.id);
    expect(changes.map((c) => [c.type, c.status, c.reason, c.changedAt])).toEqual([
      ["Ready", "True", "Ready", at(40)],
      ["Ready", "False", "LoadFailed", at(53)],
    ]);
  });
});
