import { operatorProcedure, router } from "./trpc";

export const systemRouter = router({
  /** What the orchestrator is connected to and the cluster's capacity, for the operators' overview. */
  status: operatorProcedure.query(async ({ ctx }) => {
    const { kube, database } = ctx.services;
    const [version, capacity] = await Promise.all([
      kube.version(),
      kube.capacity().then(
        (value) => ({ value }),
        (err: Error) => ({ error: err.message }),
      ),
    ]);
    return {
      kubernetes: { server: kube.server, version },
      database: { kind: database.kind },
      capacity: "value" in capacity ? capacity.value : null,
      capacityError: "error" in capacity ? capacity.error : null,
    };
  }),
});
