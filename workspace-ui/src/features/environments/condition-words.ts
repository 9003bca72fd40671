import type { TFunction } from "i18next";
import type { Said } from "../../lib/said";
import { sv } from "../../locales/sv";
import { formatMoment } from "../../lib/format";
import type { EnvironmentSummary } from "./environment-state";

type Condition = EnvironmentSummary["conditions"][number];
type Reason = keyof typeof sv.environmentState.sentences;
type ConditionType = keyof typeof sv.environmentState.conditions;

const isKnownReason = (reason: string): reason is Reason => Object.hasOwn(sv.environmentState.sentences, reason);
const isKnownType = (type: string): type is ConditionType => Object.hasOwn(sv.environmentState.conditions, type);
const OFF_REASONS: readonly string[] = ["TornDown", "TearingDown", "NotYetValid"];
const slotsOf = (template: string) => [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);

/** A condition's name in words; one this UI does not know keeps the reconciler's name. */
export const conditionName = (type: string, t: TFunction) =>
  isKnownType(type) ? t(`environmentState.conditions.${type}`) : type;

/**
 * What a condition says, in the reader's language. A Ready that is not True names the conditions it waits
 * for (their own sentences are beside it), unless the environment is off on purpose. A reason this UI does not know, or a condition saved before the
 * reconciler kept its sentence's values, shows the reconciler's English.
 */
export function conditionSaid(condition: Condition, all: readonly Condition[], t: TFunction): Said {
  // An environment that is meant not to run (ended, or not begun) waits for nothing: its Ready says why it is off.
  if (condition.type === "Ready" && condition.status !== "True" && !OFF_REASONS.includes(condition.reason)) {
    const waiting = all.filter((c) => c.type !== "Ready" && c.status !== "True").map((c) => conditionName(c.type, t));
    if (waiting.length) return { text: t("environmentState.readyBlockedBy", { conditions: waiting.join(", ") }) };
  }
  const values = condition.values ?? {};
  if (
    !isKnownReason(condition.reason) ||
    !slotsOf(sv.environmentState.sentences[condition.reason]).every((slot) => Object.hasOwn(values, slot))
  )
    return { text: condition.message, lang: "en" };
  // Times are kept as ISO strings; people read them in their own format.
  const shown: Record<string, string | number> = { ...values };
  for (const key of ["validFrom", "since"]) if (values[key]) shown[key] = formatMoment(values[key]);
  return { text: t(`environmentState.sentences.${condition.reason}`, shown) };
}
