import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents, environments, notifications } from "../db/schema";
import { defaultEnvironmentConfig as config } from "../environments/environment-config";
import { changeDesiredState } from "../environments/lifecycle";
import { askToStart } from "../environments/workspace-wishes";
import { demoPermitPayload } from "../permits/demo-permit";
import { devHdabPrivateKey } from "../permits/dev-hdab";
import { importPermit } from "../permits/import-permit";
import type { PermitPayload } from "../permits/permit";
import { createPermitIntake } from "../permits/permit-intake";
import { signPermit } from "../permits/sign-permit";
import { setBudget } from "./budget";
import { watchBudgets } from "./budget-watch";
import type { PriceList } from "./price-list";

const H = 3_600_000;
// Only CPU costs here: a demo workspace's 600m cost 0.6 an hour, so the sums are easy to follow.
const prices: PriceList = {
  currency: "SEK",
  prices: [{ from: "2020-01-01T00:00:00Z", cpuHour: 1, memoryGiBHour: 0, storageGiBHour: 0 }],
};
const operator = { subject: "olof", role: "operator" as const, address: null };

describe("a permit's budget", () => {
  let database: Database;
  const t0 = new Date("2026-12-01T08:00:00Z");
  const at = (hours: number) => new Date(t0.getTime() + hours * H);

  async function environmentOf(permitId: string, budget?: PermitPayload["budget"]) {
    const { trustedIssuers } = createPermitIntake({ production: false });
    const payload = { ...demoPermitPayload(t0), permitId, ...(budget ? { budget } : {}) };
    const { namespace } = await importPermit(database.db, await signPermit(payload, devHdabPrivateKey()), {
      trustedIssuers,
      now: t0,
    });
    await askToStart(
      database.db,
      { namespace, personId: "id-alice", subject: "alice" },
      { subject: "alice", role: "researcher", address: null },
      t0,
    );
    return namespace;
  }
  const stateOf = async (namespace: string) =>
    (await database.db.select().from(environments).where(eq(environments.namespace, namespace)))[0]!.desiredState;
  const noticesOf = async (permitId: string) =>
    (await database.db.select().from(notifications))
      .filter((n) => n.about.permitId === permitId)
      .map((n) => n.kind)
      .sort();
  const reachedEvents = (namespace: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.target, `environment:${namespace}`), eq(auditEvents.action, "environment.budget-reached")),
      );

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
  });
  afterAll(() => database.close());

  it("warns at 80 %, pauses at 100 % once, and leaves an operator's resume alone", async () => {
    const namespace = await environmentOf("SE-BUDGET-PERMIT", { amount: 10, currency: "SEK" });
    // 14 hours: 8.40 of 10.
    expect(await watchBudgets(database.db, config, prices, "pause", at(14))).toEqual([]);
    expect(await noticesOf("SE-BUDGET-PERMIT")).toEqual(["budget-warning"]);
    expect(await stateOf(namespace)).toBe("active");
    // 17 hours: 10.20 of 10.
    expect(await watchBudgets(database.db, config, prices, "pause", at(17))).toEqual([namespace]);
    expect(await stateOf(namespace)).toBe("suspended");
    expect(await noticesOf("SE-BUDGET-PERMIT")).toEqual(["budget-reached", "budget-warning"]);
    const [event] = await reachedEvents(namespace);
    expect(event!.actorSubject).toBe("system");
    expect(event!.details).toEqual({ budget: 10, currency: "SEK", spent: 10.2, action: "pause" });
    const [paused] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.target, `environment:${namespace}`), eq(auditEvents.action, "environment.suspended")));
    expect(paused!.details).toMatchObject({ reason: "Budget of 10 SEK spent" });
    // An operator resumes it: the next looks neither pause it again nor tell anyone twice.
    await changeDesiredState(database.db, namespace, "resume", at(18), operator);
    expect(await watchBudgets(database.db, config, prices, "pause", at(19))).toEqual([]);
    expect(await stateOf(namespace)).toBe("active");
    expect(await noticesOf("SE-BUDGET-PERMIT")).toHaveLength(2);
    expect(await reachedEvents(namespace)).toHaveLength(1);
  });

  it("only tells, with notify; an operator's budget for a permit without one, audited, armed again when raised", async () => {
    const namespace = await environmentOf("SE-BUDGET-OPERATOR");
    expect(await watchBudgets(database.db, config, prices, "notify", at(30))).toEqual([]);
    expect(await noticesOf("SE-BUDGET-OPERATOR")).toEqual([]);
    await setBudget(
      database.db,
      { permitId: "SE-BUDGET-OPERATOR", amount: 5, currency: "SEK", reason: "Agreed with the HDAB" },
      operator,
      at(1),
    );
    const [set] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.target, "permit:SE-BUDGET-OPERATOR"), eq(auditEvents.action, "permit.budget-set")));
    expect(set!.actorSubject).toBe("olof");
    expect(set!.details).toEqual({ amount: 5, currency: "SEK", reason: "Agreed with the HDAB" });
    // 10 hours: 6.00 of 5: told, and with notify it keeps running.
    expect(await watchBudgets(database.db, config, prices, "notify", at(10))).toEqual([]);
    expect(await stateOf(namespace)).toBe("active");
    expect(await noticesOf("SE-BUDGET-OPERATOR")).toEqual(["budget-reached", "budget-warning"]);
    expect((await reachedEvents(namespace))[0]!.details).toMatchObject({ action: "notify" });
    // Raised to 20: 12.60 of 20 is not yet 80 %; 16.80 is, and it is told again.
    await setBudget(
      database.db,
      { permitId: "SE-BUDGET-OPERATOR", amount: 20, currency: "SEK", reason: "More analyses approved" },
      operator,
      at(20),
    );
    await watchBudgets(database.db, config, prices, "notify", at(21));
    expect(await noticesOf("SE-BUDGET-OPERATOR")).toHaveLength(2);
    await watchBudgets(database.db, config, prices, "notify", at(28));
    expect(await noticesOf("SE-BUDGET-OPERATOR")).toEqual(["budget-reached", "budget-warning", "budget-warning"]);
  });

  it("refuses an operator's budget for a permit that carries its own, and for no permit", async () => {
    await environmentOf("SE-BUDGET-OWN", { amount: 100, currency: "SEK" });
    const change = { amount: 1, currency: "SEK", reason: "Lower it" };
    await expect(
      setBudget(database.db, { ...change, permitId: "SE-BUDGET-OWN" }, operator, at(1)),
    ).rejects.toMatchObject({ code: "BUDGET_SET_BY_PERMIT" });
    await expect(setBudget(database.db, { ...change, permitId: "SE-NONE" }, operator, at(1))).rejects.toMatchObject({
      code: "PERMIT_NOT_FOUND",
    });
  });

  it("does not compare a budget in another currency than the prices", async () => {
    await environmentOf("SE-BUDGET-EUR", { amount: 1, currency: "EUR" });
    await watchBudgets(database.db, config, prices, "pause", at(40));
    expect(await noticesOf("SE-BUDGET-EUR")).toEqual([]);
  });
});
