import { desc, sql } from "drizzle-orm";
import { deliveries } from "../db/schema";
import { operatorProcedure, router } from "./trpc";

/** At most this many deliveries, newest first: the page is for watching what arrives, not an archive. */
const LIST_LIMIT = 500;

export const deliveriesRouter = router({
  /**
   * Data holders' deliveries with their state, size, row count and how many findings refused them. Only
   * counts and hashes leave here: never a value of an extract, nor the findings themselves (the data holder
   * has those in the delivery API's answer).
   */
  list: operatorProcedure.query(({ ctx }) =>
    ctx.services.database.db
      .select({
        id: deliveries.id,
        permitId: deliveries.permitId,
        namespace: deliveries.namespace,
        datasetId: deliveries.datasetId,
        datasetVersion: deliveries.datasetVersion,
        deliveredBy: deliveries.deliveredBy,
        state: deliveries.state,
        bytes: deliveries.bytes,
        rows: deliveries.rows,
        uploadSha256: deliveries.uploadSha256,
        findings: sql<number | null>`jsonb_array_length(${deliveries.report}->'issues')`,
        error: deliveries.error,
        createdAt: deliveries.createdAt,
        finishedAt: deliveries.finishedAt,
      })
      .from(deliveries)
      .orderBy(desc(deliveries.createdAt))
      .limit(LIST_LIMIT),
  ),
});
