import { AUDIT_ACTIONS, type AuditAction } from "@spe/orchestrator/audit-actions";
import type { TFunction } from "i18next";
import { sv } from "../../locales/sv";

const KNOWN_TARGETS = [
  "permit",
  "environment",
  "export",
  "export-request",
  "delivery",
  "dataset",
  "person",
  "procedure",
  "staging",
  "audit",
  "access",
  "package-allowlist",
] as const;
const UNKNOWN_TARGETS = ["permit", "environment", "person", "procedure"] as const;
const ACTOR_ROLES = [
  "researcher",
  "operator",
  "output-checker",
  "auditor",
  "person",
  "hdab",
  "data-holder",
  "system",
  "anonymous",
] as const;

const oneOf = <T extends string>(list: readonly T[], value: string): T | undefined => list.find((v) => v === value);

/** An event's action in words; an action this UI does not know yet is shown as its code, as the log holds it. */
export function actionWords(action: string, t: TFunction): string {
  const known = oneOf(AUDIT_ACTIONS, action);
  return known ? t(`audit.actions.${known}`) : action;
}

/** What an event concerns (`kind:id`) in words: "environment spe-…", "an unknown permit". */
export function targetWords(target: string, t: TFunction): string {
  const colon = target.indexOf(":");
  const [kind, id] = colon < 0 ? [target, ""] : [target.slice(0, colon), target.slice(colon + 1)];
  if (id === "unknown" || id === "anonymous") {
    const unknown = oneOf(UNKNOWN_TARGETS, kind);
    return t(`audit.targets.unknown.${unknown ?? "other"}`);
  }
  const known = oneOf(KNOWN_TARGETS, kind);
  return known ? t(`audit.targets.${known}`, { id }) : t("audit.targets.other", { target });
}

/** Under which role someone acted, in words. */
export function roleWords(role: string, t: TFunction): string {
  const known = oneOf(ACTOR_ROLES, role);
  return known ? t(`audit.actorRoles.${known}`) : role;
}

type DetailField = keyof typeof sv.auditDetails;

/**
 * A detail's field in words ("Skäl" for `reason`), or undefined for one this UI has no words for, which the
 * page then shows as recorded.
 */
export function detailFieldWords(field: string, t: TFunction): string | undefined {
  return Object.hasOwn(sv.auditDetails, field) ? t(`auditDetails.${field as DetailField}`) : undefined;
}

type ActionDomain = AuditAction extends `${infer Domain}.${string}` ? Domain : never;

/** The kinds of event (the actions' domains) an auditor can filter by. */
export const ACTION_DOMAINS = [...new Set(AUDIT_ACTIONS.map((a) => a.split(".")[0] as ActionDomain))];
