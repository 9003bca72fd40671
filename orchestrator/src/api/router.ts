import { auditRouter } from "./audit-router";
import { deliveriesRouter } from "./deliveries-router";
import { environmentsRouter } from "./environments-router";
import { exportsRouter } from "./exports-router";
import { permitsRouter } from "./permits-router";
import { reviewsRouter } from "./reviews-router";
import { sessionRouter } from "./session-router";
import { statisticsRouter } from "./statistics-router";
import { systemRouter } from "./system-router";
import { router } from "./trpc";

export const appRouter = router({
  audit: auditRouter,
  deliveries: deliveriesRouter,
  environments: environmentsRouter,
  exports: exportsRouter,
  permits: permitsRouter,
  reviews: reviewsRouter,
  session: sessionRouter,
  statistics: statisticsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
