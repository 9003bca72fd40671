import { auditRouter } from "./audit-router";
import { costsRouter } from "./costs-router";
import { deliveriesRouter } from "./deliveries-router";
import { environmentsRouter } from "./environments-router";
import { exportsRouter } from "./exports-router";
import { notificationsRouter } from "./notifications-router";
import { packagesRouter } from "./packages-router";
import { permitsRouter } from "./permits-router";
import { reviewsRouter } from "./reviews-router";
import { sessionRouter } from "./session-router";
import { settingsRouter } from "./settings-router";
import { statisticsRouter } from "./statistics-router";
import { systemRouter } from "./system-router";
import { router } from "./trpc";

export const appRouter = router({
  audit: auditRouter,
  costs: costsRouter,
  deliveries: deliveriesRouter,
  environments: environmentsRouter,
  exports: exportsRouter,
  notifications: notificationsRouter,
  packages: packagesRouter,
  permits: permitsRouter,
  reviews: reviewsRouter,
  session: sessionRouter,
  settings: settingsRouter,
  statistics: statisticsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
