import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "./environment-config";
import { podState, workspaceHealth } from "./workload-health";
import { wantsRunning, type WorkspaceWish } from "./workspace-wishes";

/**
 * One person's workspace, as they and the operators see it. The environment's `Ready` says only that its
 * isolation, data and platform objects are in place; whether a person's workspace runs is this.
 */
export const WORKSPACE_STATES = ["stopped", "starting", "running", "idle-stopped", "failed"] as const;
export type WorkspaceStateName = (typeof WORKSPACE_STATES)[number];

/** Where a start has got to, for the progress page: each step has its words in both languages. */
export const STARTING_STEPS = ["asked", "scheduling", "preparing", "starting-tool"] as const;
export type StartingStep = (typeof STARTING_STEPS)[number];

export interface PersonWorkspaceState {
  state: WorkspaceStateName;
  /** Since when it has been in this state, when known. */
  since: Date | null;
  /** Why: the operator's reason for a stop, Kubernetes' reason for a failure (with its detail). */
  reason: string | null;
  detail: string | null;
  /** How far a start has got. */
  step: StartingStep | null;
  /** When the gateway last saw the workspace used. */
  lastActivityAt: Date | null;
}

const live = (pod: V1Pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase !== "Succeeded";
const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");

/** How far the newest live pod of a starting workspace has got, in Kubernetes' own terms. */
export function startingStep(pods: readonly V1Pod[]): StartingStep {
  const pod = pods.filter(live).at(-1);
  if (!pod) return "asked";
  if (!pod.spec?.nodeName) return "scheduling";
  if (pod.status?.phase !== "Running") return "preparing";
  return "starting-tool";
}

/**
 * A person's workspace state from their wish (workspace-wishes.ts) and what the cluster says of their
 * Deployment and its pods. Pure: the same facts give the same state.
 */
export function personWorkspaceState(facts: {
  wish: WorkspaceWish | undefined;
  deployment: V1Deployment | undefined;
  /** The person's workspace pods. */
  pods: readonly V1Pod[];
  nodes: number;
  environmentActive: boolean;
  now: Date;
  expected: EnvironmentConfig["expectedSeconds"];
}): PersonWorkspaceState {
  const { wish, deployment, pods, now } = facts;
  const base = { lastActivityAt: wish?.lastActivityAt ?? null, step: null, detail: null };
  if (!facts.environmentActive || !wantsRunning(wish)) {
    const idle = wish?.stopCause === "idle";
    return {
      ...base,
      state: idle ? "idle-stopped" : "stopped",
      since: wish?.stoppedAt ?? null,
      reason: facts.environmentActive ? (wish?.stopReason ?? null) : "environment-suspended",
    };
  }
  const ready = pods.filter(live).find(isReady);
  if (ready) {
    const readySince = ready.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime;
    return { ...base, state: "running", since: readySince ? new Date(readySince) : wish!.startedAt, reason: null };
  }
  const health = workspaceHealth(deployment, { pods, refusals: [], nodes: facts.nodes }, now, facts.expected);
  if (health.stall)
    return {
      ...base,
      state: "failed",
      since: wish!.startedAt,
      reason: health.stall.reason,
      detail: health.stall.values.detail ?? pods.filter(live).map(podState).join("; "),
    };
  return { ...base, state: "starting", since: wish!.startedAt, reason: null, step: startingStep(pods) };
}
