import { eq, ne } from "drizzle-orm";
import type { Logger } from "pino";
import { appendAuditEvent } from "../audit/append-audit-event";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import type { EnvironmentConfig } from "../environments/environment-config";
import { changeDesiredState } from "../environments/lifecycle";
import { recordNotification } from "../notifications/record-notification";
import type { BudgetAction } from "./budget-actions";
import { BUDGET_WARNING_SHARE, budgetOf, operatorBudgets, shareOf } from "./budget";
import { spentOn } from "./environment-costs";
import type { PriceList } from "./price-list";

/**
 * Looks at every living environment with a budget: at 80 % spent its researchers are told (once per budget
 * amount), at 100 % they are told again and the installation's action is taken and audited
 * (`environment.budget-reached`), once per amount, so that an operator who resumes it is not overruled and one
 * who raises the budget arms both again. Safe on every replica at once: the notification's dedupe key decides
 * who acts. Returns the namespaces it paused.
 */
export async function watchBudgets(
  db: Db,
  config: EnvironmentConfig,
  prices: PriceList,
  action: BudgetAction,
  now: Date,
): Promise<string[]> {
  const rows = await db
    .select({
      namespace: environments.namespace,
      permitId: environments.permitId,
      desiredState: environments.desiredState,
      payload: permits.payload,
    })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(ne(environments.desiredState, "torn-down"));
  const set = await operatorBudgets(
    db,
    rows.map((r) => r.permitId),
  );
  const budgeted = rows.flatMap((r) => {
    const budget = budgetOf(r.payload, set.get(r.permitId));
    return budget ? [{ ...r, budget }] : [];
  });
  const spent = await spentOn(
    db,
    budgeted.map((r) => r.namespace),
    config,
    prices,
    now,
  );
  const paused: string[] = [];
  for (const { namespace, permitId, desiredState, budget } of budgeted) {
    const cost = spent.get(namespace)!;
    const share = shareOf(budget, cost);
    if (share === null || share < BUDGET_WARNING_SHARE) continue;
    const about = { permitId, namespace };
    await recordNotification(db, "budget-warning", about, now, `budget-80:${permitId}:${budget.amount}`);
    if (share < 1) continue;
    const reached = await db.transaction(async (tx) => {
      if (!(await recordNotification(tx, "budget-reached", about, now, `budget-100:${permitId}:${budget.amount}`)))
        return false;
      await appendAuditEvent(
        tx,
        {
          actor: SYSTEM_ACTOR,
          action: "environment.budget-reached",
          target: `environment:${namespace}`,
          details: {
            budget: budget.amount,
            currency: budget.currency,
            spent: Math.round(cost.total * 100) / 100,
            action,
          },
        },
        now,
      );
      return true;
    });
    if (reached && action === "pause" && desiredState === "active") {
      await changeDesiredState(
        db,
        namespace,
        "suspend",
        now,
        SYSTEM_ACTOR,
        `Budget of ${budget.amount} ${budget.currency} spent`,
      );
      paused.push(namespace);
    }
  }
  return paused;
}

/** How often budgets are looked at: costs move by the hour, so a few minutes late is soon enough. */
const WATCH_INTERVAL_MS = 5 * 60_000;

/** Runs watchBudgets now and at an interval until stopped; a paused environment goes to the reconciler. */
export function startBudgetWatch(options: {
  db: Db;
  config: EnvironmentConfig;
  prices: PriceList;
  action: BudgetAction;
  log: Pick<Logger, "error" | "info">;
  onPaused(namespace: string): void;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = watchBudgets(options.db, options.config, options.prices, options.action, new Date())
      .then((paused) => {
        for (const namespace of paused) {
          options.log.info({ namespace }, "Paused an environment whose budget was spent");
          options.onPaused(namespace);
        }
      })
      .catch((err: unknown) => options.log.error({ err }, "Failed to look at the environments' budgets"))
      .finally(() => {
        if (timer !== undefined) timer = setTimeout(tick, options.intervalMs ?? WATCH_INTERVAL_MS);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
