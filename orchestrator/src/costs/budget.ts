import { eq, inArray } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { permitBudgets, permits } from "../db/schema";
import { SpeError } from "../errors";
import type { PermitPayload } from "../permits/permit";

/** Researchers are warned when this share of the budget is spent; at the whole, the installation acts. */
export const BUDGET_WARNING_SHARE = 0.8;

/** A permit's budget: its own, or the one an operator set for a permit without one. */
export interface Budget {
  amount: number;
  currency: string;
  source: "permit" | "operator";
  setBy: string | null;
  reason: string | null;
  setAt: Date | null;
}

type OperatorBudget = typeof permitBudgets.$inferSelect;

/** The budget that holds: the permit's own wins, since the health data access body granted it. */
export function budgetOf(payload: PermitPayload, set: OperatorBudget | undefined): Budget | null {
  if (payload.budget) return { ...payload.budget, source: "permit", setBy: null, reason: null, setAt: null };
  if (set)
    return {
      amount: set.amount,
      currency: set.currency,
      source: "operator",
      setBy: set.setBy,
      reason: set.reason,
      setAt: set.setAt,
    };
  return null;
}

/** How much of the budget is spent (1 = all), or null when it is in another currency than the prices. */
export function shareOf(budget: Budget, spent: { total: number; currency: string }): number | null {
  return budget.currency === spent.currency ? spent.total / budget.amount : null;
}

/** The operators' budgets of these permits, by permit id. */
export async function operatorBudgets(db: Db, permitIds: readonly string[]): Promise<Map<string, OperatorBudget>> {
  if (permitIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(permitBudgets)
    .where(inArray(permitBudgets.permitId, [...permitIds]));
  return new Map(rows.map((r) => [r.permitId, r]));
}

/**
 * An operator sets (or changes) the budget of a permit that carries none, in the prices' currency, with a
 * reason: audited as `permit.budget-set`. A permit's own budget is the HDAB's, and no operator overrides it.
 */
export async function setBudget(
  db: Db,
  change: { permitId: string; amount: number; currency: string; reason: string },
  actor: AuditActor,
  now: Date,
): Promise<Budget> {
  return db.transaction(async (tx) => {
    const [permit] = await tx.select().from(permits).where(eq(permits.permitId, change.permitId));
    if (!permit) throw new SpeError("PERMIT_NOT_FOUND", `there is no permit ${change.permitId}.`);
    if (permit.payload.budget)
      throw new SpeError(
        "BUDGET_SET_BY_PERMIT",
        `permit ${change.permitId} carries its own budget; only an amended permit from its issuer changes it.`,
      );
    const row = { ...change, setBy: actor.subject, setAt: now };
    await tx.insert(permitBudgets).values(row).onConflictDoUpdate({ target: permitBudgets.permitId, set: row });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "permit.budget-set",
        target: `permit:${change.permitId}`,
        details: { amount: change.amount, currency: change.currency, reason: change.reason },
      },
      now,
    );
    return budgetOf(permit.payload, row)!;
  });
}
