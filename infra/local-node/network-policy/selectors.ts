import type { V1LabelSelector } from "@kubernetes/client-node";

/** Kubernetes label selector semantics: every matchLabels pair and every matchExpressions requirement holds. */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: V1LabelSelector | undefined,
): boolean {
  if (!selector) return true;
  const has = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (has[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(has, key);
    switch (operator) {
      case "In":
        if (!present || !values.includes(has[key]!)) return false;
        break;
      case "NotIn":
        if (present && values.includes(has[key]!)) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
      default:
        // An operator we do not know selects nothing: fail closed.
        return false;
    }
  }
  return true;
}
