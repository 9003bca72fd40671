import type { V1ResourceRequirements } from "@kubernetes/client-node";
import type { V1Toleration } from "@kubernetes/client-node";
import type { PermitPayload } from "../../permits/permit";
import type { EnvironmentConfig } from "../environment-config";

/**
 * How the permit's cpu and memory, the environment's totals, are shared out. The platform's own
 * containers are counted in them: the airlock agent beside the workspace and the data loader, which may run
 * at the same time as the workspace. The workspace gets what they leave.
 */

/** Millicores of a permit's cpu ("4", "500m": the only forms the permit format allows). */
export function milliCpu(quantity: string): number {
  const m = /^(\d+)(m?)$/.exec(quantity);
  if (!m) throw new Error(`unsupported cpu quantity ${quantity}`);
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

/** Mebibytes of a byte quantity in Mi, Gi or Ti (the only units a permit may use). */
export function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi|Ti)$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  return Number(m[1]) * { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as "Mi" | "Gi" | "Ti"];
}

const cpuQuantity = (milli: number) => (milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`);
const memoryQuantity = (mi: number) => (mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`);

/** Adds two byte quantities in Mi/Gi/Ti. */
export function addQuantities(a: string, b: string): string {
  return memoryQuantity(mebibytes(a) + mebibytes(b));
}

interface Size {
  cpu: string;
  memory: string;
}

/** Serves the outbox, read-only: small files, streamed. */
export const AIRLOCK_AGENT_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "128Mi" },
} satisfies { requests: Size; limits: Size };

/**
 * Fetches, hashes and writes files as streams: its memory does not grow with a dataset's size, and a fifth
 * of a core hashes faster than most staging links deliver.
 */
export const DATA_LOADER_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "200m", memory: "256Mi" },
} satisfies { requests: Size; limits: Size };

/**
 * The least a workspace is given, even when the permit leaves it less: its pod is then refused by the quota
 * (a permit too small for an environment), rather than given a size no container could start with.
 */
export const WORKSPACE_MINIMUM = { cpu: "100m", memory: "128Mi" } satisfies Size;

/**
 * One workspace's size: the installation's setting, or an equal share among the permit's persons of what
 * the limits of the airlock agent and the data loader leave of its totals, whichever is less — whether or not
 * a loader runs now, since a size that moved with every delivery would restart the workspaces each time. So
 * every person's workspace fits the quota at once. Requests equal limits, so a running workspace is
 * guaranteed what it is given.
 */
export function workspaceResources(permit: PermitPayload, size: Size, persons = 1): V1ResourceRequirements {
  const platform = [AIRLOCK_AGENT_RESOURCES.limits, DATA_LOADER_RESOURCES.limits];
  const share = (parse: (q: string) => number, total: string, minimum: string, installation: string, used: string[]) =>
    Math.min(
      parse(installation),
      Math.max(parse(minimum), Math.floor((parse(total) - used.reduce((sum, q) => sum + parse(q), 0)) / persons)),
    );
  const { cpu, memory } = permit.environment;
  const given = {
    cpu: cpuQuantity(
      share(
        milliCpu,
        cpu,
        WORKSPACE_MINIMUM.cpu,
        size.cpu,
        platform.map((s) => s.cpu),
      ),
    ),
    memory: memoryQuantity(
      share(
        mebibytes,
        memory,
        WORKSPACE_MINIMUM.memory,
        size.memory,
        platform.map((s) => s.memory),
      ),
    ),
  };
  return { requests: given, limits: given };
}

/**
 * How the permit's storage, the researchers' volumes together, is shared: each person's home gets the
 * installation's size, or an equal share with the project folder when the permit's storage is smaller, and
 * the project folder the rest.
 */
export function storageShares(storage: string, persons: number, homeSize: string): { home: string; project: string } {
  const total = mebibytes(storage);
  const home = Math.min(mebibytes(homeSize), Math.floor(total / (persons + 1)));
  return { home: memoryQuantity(home), project: memoryQuantity(total - home * persons) };
}

/**
 * The GPU a workspace asks for when its permit has any: one each, since a GPU cannot be shared out like
 * cores. The quota (quota.ts) lets the permit's number of them run at once; one more is refused by the quota
 * and shown stuck until another person's workspace stops.
 */
export function workspaceGpu(permit: PermitPayload, config: EnvironmentConfig): Record<string, string> {
  return (permit.environment.gpu ?? 0) > 0 ? { [config.gpu.resourceName]: "1" } : {};
}

/** Lets a GPU workspace onto the GPU nodes, which their taint keeps every other pod off. */
export function gpuTolerations(permit: PermitPayload, config: EnvironmentConfig): V1Toleration[] {
  return (permit.environment.gpu ?? 0) > 0
    ? [{ key: config.gpu.taintKey, operator: "Exists", effect: "NoSchedule" }]
    : [];
}
