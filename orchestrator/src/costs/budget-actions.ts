/**
 * What the installation does when an environment has cost its whole budget (BUDGET_ACTION): tell its
 * researchers only, or also pause it, which stops every workspace (storage goes on: nothing is deleted)
 * until an operator resumes it, best after raising the budget.
 */
export const BUDGET_ACTIONS = ["notify", "pause"] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];
