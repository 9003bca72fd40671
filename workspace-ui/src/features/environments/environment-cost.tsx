import type { AppRouter } from "@spe/orchestrator/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { formatMoment, formatMoney } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { ReasonField, reasonGiven } from "./reason-field";

type EnvironmentCost = NonNullable<inferOutput<TRPCOptionsProxy<AppRouter>["costs"]["environment"]>>;

type Budget = NonNullable<EnvironmentCost["budget"]>;

/** Researchers are warned from this share of the budget on (the server's notification says the same). */
const WARNING_SHARE = 0.8;
const percent = (share: number) => Math.floor(share * 100);

/** Costs change by the minute while workspaces run: asked again now and then, not live. */
const REFRESH_MS = 60_000;

/**
 * What an environment has cost so far, by resource, and what it may cost: storage for the permit's whole
 * duration, one workspace for an hour, and the most, were every workspace to run throughout.
 */
function CostFacts({ cost }: { cost: EnvironmentCost }) {
  const { t } = useTranslation();
  const money = (amount: number) => formatMoney(amount, cost.currency);
  const { spent, estimate } = cost;
  return (
    <dl className="facts">
      <dt>{t("costs.spent")}</dt>
      <dd>
        <strong>{money(spent.total)}</strong>{" "}
        <span className="small muted">
          {t("costs.spentParts", {
            storage: money(spent.storage),
            cpu: money(spent.cpu),
            memory: money(spent.memory),
          })}
          {spent.usage.gpuHours > 0 && ` ${t("costs.spentGpu", { gpu: money(spent.gpu) })}`}
        </span>
      </dd>
      {cost.budget && (
        <>
          <dt>{t("costs.budget")}</dt>
          <dd>
            {formatMoney(cost.budget.amount, cost.budget.currency)}{" "}
            {cost.budget.share !== null && (
              <span className="small">{t("costs.budgetShare", { percent: percent(cost.budget.share) })}</span>
            )}
            <span className="small muted">
              {" "}
              {cost.budget.source === "permit"
                ? t("costs.budgetFromPermit")
                : t("costs.budgetSetBy", {
                    who: cost.budget.setBy,
                    when: formatMoment(cost.budget.setAt),
                    reason: cost.budget.reason,
                  })}
            </span>
          </dd>
        </>
      )}
      <dt>{t("costs.storageEstimate")}</dt>
      <dd>{money(estimate.storage)}</dd>
      <dt>{t("costs.workspaceHour")}</dt>
      <dd>{money(estimate.workspaceHour)}</dd>
      <dt>{t("costs.ceiling")}</dt>
      <dd>{money(estimate.ceiling)}</dd>
    </dl>
  );
}

/** At 80 % of the budget and beyond, in words, above everything else about the cost. */
export function BudgetBanner({ budget }: { budget: Budget | null }) {
  const { t } = useTranslation();
  if (!budget || budget.share === null || budget.share < WARNING_SHARE) return null;
  return (
    <p role="status" className="alert">
      {budget.share >= 1
        ? t("costs.budgetSpent", { amount: formatMoney(budget.amount, budget.currency) })
        : t("costs.budgetWarning", {
            percent: percent(budget.share),
            amount: formatMoney(budget.amount, budget.currency),
          })}
    </p>
  );
}

/** An operator sets the budget of a permit that carries none: an amount in the prices' currency and a reason. */
function BudgetForm({ permitId, currency, current }: { permitId: string; currency: string; current: Budget | null }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [amount, setAmount] = useState(current ? String(current.amount) : "");
  const [reason, setReason] = useState("");
  const save = useMutation(
    trpc.costs.setBudget.mutationOptions({
      onSuccess: () => {
        setReason("");
        return queryClient.invalidateQueries({ queryKey: trpc.costs.pathKey() });
      },
    }),
  );
  const value = Number(amount);
  return (
    <form
      className="budget-form"
      aria-labelledby={`${id}-h`}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ permitId, amount: value, reason });
      }}
    >
      <h3 id={`${id}-h`}>{current ? t("costs.changeBudget") : t("costs.setBudget")}</h3>
      <div className="field">
        <label htmlFor={`${id}-amount`}>{t("costs.budgetAmount", { currency })}</label>
        <input
          id={`${id}-amount`}
          type="number"
          inputMode="decimal"
          min="0.01"
          step="0.01"
          required
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      </div>
      <ReasonField value={reason} onChange={setReason} />
      {save.error && <ApiError error={save.error} />}
      <button type="submit" disabled={!(value > 0) || !reasonGiven(reason) || save.isPending}>
        {t("costs.saveBudget")}
      </button>
    </form>
  );
}

/** The operators' environment page: its cost, or nothing when the installation has no price list. */
export function EnvironmentCostCard({ namespace, permitId }: { namespace: string; permitId: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const cost = useQuery({ ...trpc.costs.environment.queryOptions({ namespace }), refetchInterval: REFRESH_MS });
  if (cost.isError) return <ApiError error={cost.error} />;
  if (!cost.data) return null;
  return (
    <section className="card" aria-labelledby="env-cost-h">
      <h2 id="env-cost-h">{t("costs.heading")}</h2>
      <BudgetBanner budget={cost.data.budget} />
      <CostFacts cost={cost.data} />
      <p className="small muted">{t("costs.howReckoned")}</p>
      {cost.data.budget?.source !== "permit" && (
        <BudgetForm permitId={permitId} currency={cost.data.currency} current={cost.data.budget} />
      )}
    </section>
  );
}

/**
 * A researcher's card: what their environment costs, before the work (the estimate) and during it (so far).
 * Open for the principal investigator, who answers for the budget; a click away for the others.
 */
export function MyEnvironmentCost({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const cost = useQuery({ ...trpc.costs.mine.queryOptions({ namespace }), refetchInterval: REFRESH_MS });
  if (!cost.data) return null;
  return (
    <>
      <BudgetBanner budget={cost.data.budget} />
      <details className="environment-cost" open={cost.data.principalInvestigator}>
        <summary>{t("costs.summary", { amount: formatMoney(cost.data.spent.total, cost.data.currency) })}</summary>
        <CostFacts cost={cost.data} />
        <p className="small muted">{t("costs.howReckoned")}</p>
      </details>
    </>
  );
}

/** The operators' table: what each environment of the page has cost so far, asked once for the page. */
export function useSpent(namespaces: string[]) {
  const trpc = useTRPC();
  const spent = useQuery({
    ...trpc.costs.spent.queryOptions({ namespaces }),
    enabled: namespaces.length > 0,
    refetchInterval: REFRESH_MS,
  });
  const data = spent.data;
  return data ? (namespace: string) => formatMoney(data.totals[namespace] ?? 0, data.currency) : undefined;
}
