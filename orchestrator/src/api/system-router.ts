import { operatorProcedure, router } from "./trpc";

export const systemRouter = router({
  /** What the orchestrator is connected to, for the operators' overview. */
  status: operatorProcedure.query(async ({ ctx }) => {
    const { kube, database } = ctx.services;
    return {
      kubernetes: { server: kube.server, version: await kube.version() },
      database: { kind: database.kind },
    };
  }),
});
