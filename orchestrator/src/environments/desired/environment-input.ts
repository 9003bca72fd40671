import type { PermitPayload } from "../../permits/permit";

/** What desiredObjects needs of an environment: its permit and what we want of it now. */
export interface EnvironmentInput {
  namespace: string;
  permit: PermitPayload;
  /** suspended: everything stays, but no workspace runs. */
  desiredState: "active" | "suspended";
  /** The newest staged delivery of each of the permit's datasets that has one; none staged when absent. */
  staged?: readonly StagedDataset[];
}

/** A pseudonymised delivery waiting in staging for the environment's data loader. */
export interface StagedDataset {
  datasetId: string;
  version: string;
  deliveryId: string;
  /** SHA-256 of the delivery's manifest; the loader checks every file against the manifest's hashes. */
  manifestSha256: string;
  files: Array<{ path: string; sha256: string }>;
}

/** The permit's datasets (id@version) that have no staged delivery yet. */
export function datasetsAwaitingDelivery({ permit, staged = [] }: EnvironmentInput): string[] {
  return permit.datasets
    .map((d) => `${d.id}@${d.version}`)
    .filter((key) => !staged.some((s) => `${s.datasetId}@${s.version}` === key));
}
