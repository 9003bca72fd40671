import type { AppRouter } from "@spe/orchestrator/api";
import type { inferInput, inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";

/** The shapes the airlock's procedures return, inferred from the router so they cannot drift. */
type Api = TRPCOptionsProxy<AppRouter>;

export type OutboxFile = inferOutput<Api["exports"]["outbox"]>[number];
export type RequestSummary = inferOutput<Api["exports"]["list"]>[number];
export type ResearcherRequest = inferOutput<Api["exports"]["get"]>;
export type ResearcherFile = ResearcherRequest["files"][number];
export type CheckerRequest = inferOutput<Api["reviews"]["get"]>;
export type CheckerFile = CheckerRequest["files"][number];
export type QueueEntry = inferOutput<Api["reviews"]["queue"]>[number];
export type PrecheckResult = inferOutput<Api["exports"]["precheck"]>;

export type RequestState = ResearcherRequest["state"];
export type FileDecision = ResearcherFile["decision"];
export type OutputFileType = inferInput<Api["exports"]["precheck"]>["type"];
export type Vote = inferInput<Api["reviews"]["vote"]>["vote"];
export type CheckStatus = "pass" | "review" | "fail";
