import { nodeCapability } from "@spe/infra/local-node";

export type OpenMeasurement =
  { skipped: string } | { samples: number[]; p50: number; p95: number; max: number; what: string };

/** Opens of a stopped workspace through the gateway, on the local node; or why they were not measured. */
export function measureWorkspaceOpens(_opens: number, _progress: (line: string) => void): Promise<OpenMeasurement> {
  const capability = nodeCapability();
  if (!capability.ok) return Promise.resolve({ skipped: capability.reason });
  return Promise.resolve({ skipped: "this version measures only the gateway; opens on the local node come next" });
}
