import type { PermitPayload } from "../../permits/permit";

/** What desiredObjects needs of an environment: its permit and what we want of it now. */
export interface EnvironmentInput {
  namespace: string;
  permit: PermitPayload;
  /** suspended: everything stays, but no workspace runs. */
  desiredState: "active" | "suspended";
}
