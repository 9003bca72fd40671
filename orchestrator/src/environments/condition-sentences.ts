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
} as const;

export type ConditionReason = keyof typeof CONDITION_SENTENCES;

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
