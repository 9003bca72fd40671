import type { Role } from "../config";

/**
 * The roles a person has: the values of `claim` (a string or a list of strings) that the mapping knows,
 * in a fixed order, without duplicates. Unknown groups are ignored.
 */
export function rolesFromClaims(claims: Record<string, unknown>, claim: string, mapping: Record<string, Role>): Role[] {
  const value = claims[claim];
  const groups =
    typeof value === "string"
      ? [value]
      : Array.isArray(value)
        ? value.filter((g): g is string => typeof g === "string")
        : [];
  const roles = new Set(groups.flatMap((g) => (Object.hasOwn(mapping, g) ? [mapping[g]!] : [])));
  const order: Role[] = ["researcher", "operator", "output-checker", "auditor"];
  return order.filter((r) => roles.has(r));
}
