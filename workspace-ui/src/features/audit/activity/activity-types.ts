import type { AppRouter } from "@spe/orchestrator/api";
import type { inferRouterOutputs } from "@trpc/server";

/** A page of the record of activities as the orchestrator answers it (activity/read-activity.ts). */
export type ActivityPage = inferRouterOutputs<AppRouter>["audit"]["activity"];
export type ActivityRow = ActivityPage["entries"][number];
export type ActivityPersonCounts = ActivityPage["persons"][number];
export type ActivityChain = inferRouterOutputs<AppRouter>["audit"]["activityVerify"];
