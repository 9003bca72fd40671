import { deliveryCounts } from "../notifications/notification-sender";
import { undeliveredNotifications } from "../notifications/undelivered";
import { operatorProcedure, router } from "./trpc";

export const notificationsRouter = router({
  /**
   * What the outbox holds, for operators: counts by state, and each delivery that failed at least once
   * (being retried, or given up) with its reason. Addresses and webhook names, never a message.
   */
  undelivered: operatorProcedure.query(async ({ ctx }) => {
    const db = ctx.services.database.db;
    return { counts: await deliveryCounts(db), deliveries: await undeliveredNotifications(db) };
  }),
});
