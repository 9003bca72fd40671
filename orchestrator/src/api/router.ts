import { auditRouter } from "./audit-router";
import { environmentsRouter } from "./environments-router";
import { permitsRouter } from "./permits-router";
import { sessionRouter } from "./session-router";
import { systemRouter } from "./system-router";
import { router } from "./trpc";

export const appRouter = router({
  audit: auditRouter,
  environments: environmentsRouter,
  permits: permitsRouter,
  session: sessionRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
