import { z } from "zod";
import { environmentCost } from "../costs/environment-cost";
import { spentOn } from "../costs/environment-costs";
import { setBudget } from "../costs/budget";
import { SpeError } from "../errors";
import { namespaceInput, operatorReason } from "./environment-inputs";
import { operatorProcedure, researcherProcedure, router } from "./trpc";

const notFound = (namespace: string) => new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${namespace}.`);

/**
 * What environments cost, at the installation's prices (PRICE_LIST_FILE). Without a price list every answer
 * is `null`: the UI then shows no cost at all, rather than a cost of nothing.
 */
export const costsRouter = router({
  /** What each environment of a page of the operators' table has cost so far: asked apart from the page. */
  spent: operatorProcedure
    .input(z.object({ namespaces: z.array(namespaceInput.shape.namespace).max(200) }))
    .query(async ({ ctx, input }) => {
      const { database, environmentConfig, priceList } = ctx.services;
      if (!priceList) return null;
      const costs = await spentOn(database.db, input.namespaces, environmentConfig, priceList, new Date());
      return { currency: priceList.currency, totals: Object.fromEntries([...costs].map(([n, c]) => [n, c.total])) };
    }),
  /** One environment's page: spent so far by resource, the estimate, the sizes it is reckoned from. */
  environment: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const { database, environmentConfig, priceList } = ctx.services;
    if (!priceList) return null;
    const cost = await environmentCost(database.db, input.namespace, environmentConfig, priceList, new Date());
    if (!cost) throw notFound(input.namespace);
    return cost;
  }),
  /**
   * Sets the budget of a permit that carries none, in the prices' currency, with a reason for the audit log
   * (BUDGET_SET_BY_PERMIT when the permit has its own).
   */
  setBudget: operatorProcedure
    .input(
      z.object({
        permitId: z.string().min(1).max(128),
        amount: z.number().positive().max(1e12),
        reason: operatorReason,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { database, priceList } = ctx.services;
      if (!priceList)
        throw new SpeError(
          "BUDGET_WITHOUT_PRICES",
          "the installation has no price list (PRICE_LIST_FILE), so no cost is reckoned and no budget kept.",
        );
      const operator = { subject: ctx.session.subject, role: "operator" as const, address: ctx.address };
      return setBudget(database.db, { ...input, currency: priceList.currency }, operator, new Date());
    }),
  /** The same for a researcher, of an environment whose permit names them: before the work and during it. */
  mine: researcherProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const { database, environmentConfig, priceList } = ctx.services;
    if (!priceList) return null;
    const cost = await environmentCost(
      database.db,
      input.namespace,
      environmentConfig,
      priceList,
      new Date(),
      ctx.session.subject,
    );
    if (!cost) throw notFound(input.namespace);
    return cost;
  }),
});
