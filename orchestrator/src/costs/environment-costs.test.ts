import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../auth/sessions";
import type { Context, Services } from "../api/context";
import { appRouter } from "../api/router";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import { openDatabase, type Database } from "../db/database";
import { defaultEnvironmentConfig as config } from "../environments/environment-config";
import { changeDesiredState } from "../environments/lifecycle";
import { askToStart, askToStop } from "../environments/workspace-wishes";
import { demoPermitPayload } from "../permits/demo-permit";
import { devHdabPrivateKey } from "../permits/dev-hdab";
import { importPermit } from "../permits/import-permit";
import { createPermitIntake } from "../permits/permit-intake";
import { signPermit } from "../permits/sign-permit";
import { spentOn } from "./environment-costs";
import type { PriceList } from "./price-list";

const H = 3_600_000;
const prices: PriceList = {
  currency: "SEK",
  prices: [{ from: "2020-01-01T00:00:00Z", cpuHour: 1, memoryGiBHour: 0.1, storageGiBHour: 0.01, gpuHour: 30 }],
};
const session = (subject: string, role: "operator" | "researcher"): Session => ({
  subject,
  name: subject,
  email: null,
  roles: [role],
  idToken: null,
  expiresAt: new Date(Date.now() + H),
});

describe("what an environment has cost, from the audit log", () => {
  let database: Database;
  let namespace: string;
  // Ten hours ago, so that the procedures, which reckon until now, see the whole story.
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * H);
  const at = (hours: number) => new Date(t0.getTime() + hours * H);
  /** `priced` false: an installation without a price list. */
  const callerAs = (who: Session, priced = true) =>
    appRouter.createCaller({
      services: { database, environmentConfig: config, priceList: priced ? prices : undefined } as unknown as Services,
      session: who,
      address: "127.0.0.1",
    } satisfies Context);

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const { trustedIssuers } = createPermitIntake({ production: false });
    const jws = await signPermit({ ...demoPermitPayload(t0), permitId: "SE-COST-1" }, devHdabPrivateKey());
    ({ namespace } = await importPermit(database.db, jws, { trustedIssuers, now: t0 }));
    const workspace = (subject: string) => ({ namespace, personId: `id-${subject}`, subject });
    const person = (subject: string) => ({ subject, role: "researcher" as const, address: null });
    const operator = { subject: "olof", role: "operator" as const, address: null };
    // alice works two hours and is stopped when idle; bob starts and never stops, but the environment is
    // paused for two of his hours.
    await askToStart(database.db, workspace("alice"), person("alice"), at(1));
    await askToStart(database.db, workspace("bob"), person("bob"), at(2));
    await askToStop(database.db, workspace("alice"), { cause: "idle", actor: SYSTEM_ACTOR }, at(3));
    await changeDesiredState(database.db, namespace, "suspend", at(4), operator, "Node maintenance tonight");
    await changeDesiredState(database.db, namespace, "resume", at(6), operator);
  });
  afterAll(() => database.close());

  it("counts storage for the whole life and each workspace only while it ran and was not paused", async () => {
    const cost = (await spentOn(database.db, [namespace, "spe-absent"], config, prices, at(10))).get(namespace)!;
    // The demo permit shares 1500m and 4Gi between two workspaces beside the platform's containers: each gets
    // 600m and 1856Mi. Storage: its 10Gi and the 20Gi data volume.
    const workspaceHours = 2 + (8 - 2);
    expect(cost.usage.cpuHours).toBeCloseTo(0.6 * workspaceHours, 9);
    expect(cost.cpu).toBeCloseTo(0.6 * workspaceHours * 1, 9);
    expect(cost.memory).toBeCloseTo((1856 / 1024) * workspaceHours * 0.1, 9);
    expect(cost.storage).toBeCloseTo(30 * 10 * 0.01, 9);
    expect(cost.gpu).toBe(0);
    expect(cost.total).toBeCloseTo(4.8 + 1.45 + 3, 9);
  });

  it("shows operators each row's cost and an environment's page, with the estimate", async () => {
    const operator = callerAs(session("olof", "operator"));
    const spent = await operator.costs.spent({ namespaces: [namespace] });
    expect(spent!.currency).toBe("SEK");
    expect(spent!.totals[namespace]).toBeGreaterThanOrEqual(9.25 - 1e-6);
    const page = await operator.costs.environment({ namespace });
    expect(page!.principalInvestigator).toBe(false);
    // A year of the 30 GiB at 0.01 an hour; one workspace's hour: 0.6 CPU and 1856Mi.
    const hours = (Date.parse(demoPermitPayload(t0).validUntil) - Date.parse(demoPermitPayload(t0).validFrom)) / H;
    expect(page!.estimate.storage).toBeCloseTo(30 * hours * 0.01, 6);
    expect(page!.estimate.workspaceHour).toBeCloseTo(0.6 + (1856 / 1024) * 0.1, 9);
    expect(page!.estimate.ceiling).toBeCloseTo(page!.estimate.storage + 2 * hours * page!.estimate.workspaceHour, 4);
  });

  it("shows the permit's researchers their environment's cost, the principal investigator marked, and nobody else", async () => {
    expect((await callerAs(session("alice", "researcher")).costs.mine({ namespace }))!.principalInvestigator).toBe(
      true,
    );
    expect((await callerAs(session("bob", "researcher")).costs.mine({ namespace }))!.principalInvestigator).toBe(false);
    const refused = await callerAs(session("carol", "researcher"))
      .costs.mine({ namespace })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).cause).toMatchObject({ code: "ENVIRONMENT_NOT_FOUND" });
  });

  it("shows no cost at all where the installation has no price list", async () => {
    expect(await callerAs(session("olof", "operator"), false).costs.environment({ namespace })).toBeNull();
    expect(await callerAs(session("alice", "researcher"), false).costs.mine({ namespace })).toBeNull();
  });
});
