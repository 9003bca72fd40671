import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents, environments, permits } from "../db/schema";
import type { PermitPayload } from "../permits/permit";
import type { EnvironmentConfig } from "../environments/environment-config";
import { addQuantities, mebibytes, milliCpu, workspaceResources } from "../environments/desired/resources";
import { costOfPeriods, type Cost, type CostPeriods } from "./cost-of-periods";
import { COST_ACTIONS, periodsFromEvents } from "./periods-from-events";
import type { PriceList } from "./price-list";

/** What one environment was given: the sizes its cost is reckoned from (the permit as it is now). */
export function sizesOf(permit: PermitPayload, config: EnvironmentConfig) {
  const workspace = workspaceResources(permit, config.workspace, permit.authorisedPersons.length).limits!;
  return {
    // The researchers' volumes and the data volume, as the quota counts them.
    storageGiB: mebibytes(addQuantities(permit.environment.storage, config.dataVolumeSize)) / 1024,
    workspace: {
      cpu: milliCpu(workspace.cpu!) / 1000,
      memoryGiB: mebibytes(workspace.memory!) / 1024,
      gpu: (permit.environment.gpu ?? 0) > 0 ? 1 : 0,
    },
  };
}

/**
 * Before the work: storage for the permit's whole duration, one workspace's price per hour it runs, and the
 * most it could cost, were every person's workspace to run throughout (at most `gpu` of them with a GPU).
 */
export function estimateOf(permit: PermitPayload, config: EnvironmentConfig, prices: PriceList) {
  const sizes = sizesOf(permit, config);
  const life = { from: Date.parse(permit.validFrom), until: Date.parse(permit.validUntil) };
  const persons = permit.authorisedPersons.length;
  const withGpu = Math.min(persons, permit.environment.gpu ?? 0);
  const always = (gpu: number) => ({ ...sizes.workspace, gpu, runs: [life] });
  const storageOnly = costOfPeriods({ life, storageGiB: sizes.storageGiB, workspaces: [], suspended: [] }, prices);
  const hour = { from: life.from, until: life.from + 3_600_000 };
  const oneHour = costOfPeriods(
    { life: hour, storageGiB: 0, workspaces: [{ ...sizes.workspace, runs: [hour] }], suspended: [] },
    prices,
  );
  const ceiling = costOfPeriods(
    {
      life,
      storageGiB: sizes.storageGiB,
      workspaces: Array.from({ length: persons }, (_, i) => always(i < withGpu ? 1 : 0)),
      suspended: [],
    },
    prices,
  );
  return {
    currency: prices.currency,
    storage: storageOnly.total,
    workspaceHour: oneHour.total,
    ceiling: ceiling.total,
  };
}

export type CostEstimate = ReturnType<typeof estimateOf>;

/**
 * What each environment named has cost until `now`: storage since it was made, each person's workspace while
 * it ran (the audit log's starts and stops), nothing for the hours it was paused. Two queries for any number
 * of environments, so that a page of the operators' table asks once.
 */
export async function spentOn(
  db: Db,
  namespaces: readonly string[],
  config: EnvironmentConfig,
  prices: PriceList,
  now: Date,
): Promise<Map<string, Cost>> {
  if (namespaces.length === 0) return new Map();
  const targets = namespaces.map((n) => `environment:${n}`);
  const [rows, events] = await Promise.all([
    db
      .select({ namespace: environments.namespace, createdAt: environments.createdAt, payload: permits.payload })
      .from(environments)
      .innerJoin(permits, eq(environments.permitId, permits.permitId))
      .where(inArray(environments.namespace, [...namespaces])),
    db
      .select({
        target: auditEvents.target,
        action: auditEvents.action,
        time: auditEvents.time,
        details: auditEvents.details,
      })
      .from(auditEvents)
      .where(and(inArray(auditEvents.target, targets), inArray(auditEvents.action, [...COST_ACTIONS])))
      .orderBy(asc(auditEvents.sequence)),
  ]);
  const costs = new Map<string, Cost>();
  for (const row of rows) {
    const target = `environment:${row.namespace}`;
    const mine = events
      .filter((e) => e.target === target)
      .map((e) => ({ action: e.action, time: e.time, person: e.details.person as string | undefined }));
    const found = periodsFromEvents(mine, now.getTime());
    const sizes = sizesOf(row.payload, config);
    const periods: CostPeriods = {
      life: { from: row.createdAt.getTime(), until: found.tornDownAt ?? now.getTime() },
      storageGiB: sizes.storageGiB,
      workspaces: [...found.runs.values()].map((runs) => ({ ...sizes.workspace, runs })),
      suspended: found.suspended,
    };
    costs.set(row.namespace, costOfPeriods(periods, prices));
  }
  return costs;
}
