import { auditRouter } from "./audit-router";
import { environmentsRouter } from "./environments-router";
import { exportsRouter } from "./exports-router";
import { permitsRouter } from "./permits-router";
import { reviewsRouter } from "./reviews-router";
import { sessionRouter } from "./session-router";
import { systemRouter } from "./system-router";
import { router } from "./trpc";

export const appRouter = router({
  audit: auditRouter,
  environments: environmentsRouter,
  exports: exportsRouter,
  permits: permitsRouter,
  reviews: reviewsRouter,
  session: sessionRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
