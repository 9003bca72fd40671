import { eq } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import type { EnvironmentConfig } from "../environments/environment-config";
import type { Cost } from "./cost-of-periods";
import { estimateOf, sizesOf, spentOn, type CostEstimate } from "./environment-costs";
import type { PriceList } from "./price-list";
import { budgetOf, operatorBudgets, shareOf, type Budget } from "./budget";

/** One environment's cost as its page shows it: spent so far, the estimate before the work, the sizes. */
export interface EnvironmentCost {
  currency: string;
  spent: Cost;
  estimate: CostEstimate;
  sizes: ReturnType<typeof sizesOf>;
  /** The permit's budget, with how much of it is spent (null in another currency than the prices'). */
  budget: (Budget & { share: number | null }) | null;
  /** Whether the researcher asking is the permit's principal investigator (false for operators). */
  principalInvestigator: boolean;
}

/**
 * One environment's cost, or undefined when there is no such environment or, with `subject`, its permit does
 * not name that person (a researcher sees only their own permits' costs).
 */
export async function environmentCost(
  db: Db,
  namespace: string,
  config: EnvironmentConfig,
  prices: PriceList,
  now: Date,
  subject?: string,
): Promise<EnvironmentCost | undefined> {
  const [row] = await db
    .select({ permitId: permits.permitId, payload: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  if (!row) return undefined;
  if (subject !== undefined && !row.payload.authorisedPersons.some((p) => p.subject === subject)) return undefined;
  const [spentByNamespace, set] = await Promise.all([
    spentOn(db, [namespace], config, prices, now),
    operatorBudgets(db, [row.permitId]),
  ]);
  const spent = spentByNamespace.get(namespace)!;
  const budget = budgetOf(row.payload, set.get(row.permitId));
  return {
    currency: prices.currency,
    spent,
    estimate: estimateOf(row.payload, config, prices),
    sizes: sizesOf(row.payload, config),
    budget: budget && { ...budget, share: shareOf(budget, spent) },
    principalInvestigator: subject !== undefined && row.payload.principalInvestigator.subject === subject,
  };
}
