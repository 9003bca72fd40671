import { fillTemplate } from "../message-template";
import type { ConditionType, ObservedCondition } from "./conditions";

/**
 * What each condition reason says, in English, with `{{slot}}`s for its variable parts. A condition keeps
 * the filled sentence as its `message` (as Kubernetes does) and the values beside it, so the UI, whose
 * locales carry the same reasons, can say it in the reader's language.
 */
export const CONDITION_SENTENCES = {
  Applied: "Every object of the environment is in place.",
  ForeignObjectsRemoved:
    "Every object of the environment is in place; removed what the orchestrator did not make: {{objects}}.",
  ApplyFailed: "Could not create the environment's objects: {{error}}",
  NotYetValid: "The permit is valid from {{validFrom}}.",
  TearingDown: "The environment is being deleted.",
  TornDown: "The environment and everything in it has been deleted.",
  DenyAllInForce: "All traffic in and out is denied but through the gateway.",
  DenyAllMissing: "The deny-all network policy is not in force yet.",
  LoadFailed: "Loading the datasets failed; operators have been told.",
  AwaitingDelivery: "Waiting for the data holder's delivery of {{datasets}}.",
  NoDatasets: "The permit names no datasets.",
  Loaded: "The permit's datasets are staged, read-only.",
  Loading: "The permit's datasets are being loaded into the environment.",
  Suspended: "The environment is suspended: no workspace runs.",
  Available: "The workspace is running.",
  Starting: "The workspace is starting.",
  EnvironmentReady: "The environment is ready for its researchers.",
  // Waiting for the cluster, and stuck (STUCK_REASONS): what Kubernetes says keeps a pod from running.
  AwaitingQuotaUsage: "Waiting for the cluster to count the environment's quota; nothing runs before it has.",
  QuotaUsageUnknown:
    "The cluster has not counted the environment's quota since {{since}}, longer than the {{expected}} s expected (does it run the ResourceQuota controller?).",
  ImagePullFailed: "The image {{image}} cannot be pulled: {{detail}}",
  CrashLooping: "The container {{container}} keeps stopping: {{detail}}",
  ContainerFailed: "The container {{container}} cannot be started: {{detail}}",
  Unschedulable: "No node can run the pod {{pod}}: {{detail}}",
  NoNodes: "The cluster has no node to run the pod {{pod}} on.",
  NotScheduled:
    "No node has been chosen for the pod {{pod}} since {{since}}, longer than the {{expected}} s expected (does the cluster run a scheduler?).",
  QuotaRefused: "The environment's quota refused the pod: {{detail}}",
  PodRefused: "The cluster refused to create the pod: {{detail}}",
  LoaderFailing: "The data loader failed {{failures}} time(s) and is trying again: {{detail}}",
  StartTooSlow: "The workspace has been starting since {{since}}, longer than the {{expected}} s expected: {{detail}}",
  LoadTooSlow: "The datasets have been loading since {{since}}, longer than the {{expected}} s expected: {{detail}}",
} as const;

export type ConditionReason = keyof typeof CONDITION_SENTENCES;

/**
 * The reasons that mean an environment is stuck: it will not get further by itself, and operators must look.
 * Ready takes its reason from one of these before any condition that is merely under way (conditions.ts), so
 * that an environment waiting for data whose workspace cannot start counts as stuck, not as waiting.
 */
export const STUCK_REASONS = [
  "ApplyFailed",
  "LoadFailed",
  "QuotaUsageUnknown",
  "ImagePullFailed",
  "CrashLooping",
  "ContainerFailed",
  "Unschedulable",
  "NoNodes",
  "NotScheduled",
  "QuotaRefused",
  "PodRefused",
  "LoaderFailing",
  "StartTooSlow",
  "LoadTooSlow",
] as const satisfies readonly ConditionReason[];
export type StuckReason = (typeof STUCK_REASONS)[number];

export const isStuckReason = (reason: string): reason is StuckReason =>
  (STUCK_REASONS as readonly string[]).includes(reason);

/** A condition whose message is its reason's sentence. */
export function condition(
  type: ConditionType,
  status: ObservedCondition["status"],
  reason: ConditionReason,
  values?: Record<string, string>,
): ObservedCondition {
  const message = fillTemplate(CONDITION_SENTENCES[reason], values);
  return values ? { type, status, reason, message, values } : { type, status, reason, message };
}
