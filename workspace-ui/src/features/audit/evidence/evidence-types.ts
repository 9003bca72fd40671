import type { AppRouter } from "@spe/orchestrator/api";
import type { inferRouterOutputs } from "@trpc/server";

/** The compliance evidence report as the orchestrator answers it (audit/compliance-evidence.ts). */
export type EvidenceReport = inferRouterOutputs<AppRouter>["audit"]["evidence"];
export type RequirementOf<Id extends RequirementId> = Extract<EvidenceReport["requirements"][number], { id: Id }>;
export type RequirementId = EvidenceReport["requirements"][number]["id"];
export type AccessEvidence = RequirementOf<"access">["evidence"];
export type IsolationEvidence = RequirementOf<"isolation">["evidence"];
export type DataEvidence = RequirementOf<"data">["evidence"];
export type LogEvidence = RequirementOf<"logs">["evidence"];
export type OutputEvidence = RequirementOf<"outputs">["evidence"];
export type DurationEvidence = RequirementOf<"duration">["evidence"];
