/**
 * Every role a person can hold, in the order the UI lists them. The one list: the configuration's role
 * mapping, the API's role procedures, the authorization matrix test, the development provider's demo
 * accounts, the Pulumi stack's check and the UI's words (typed by Role) all derive from it. Adding a role is
 * an entry here plus its words in the locales; what it may do is then a procedure at a time.
 */
export const ROLES = ["researcher", "operator", "output-checker", "auditor"] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => ROLES.some((r) => r === value);

/** The group mapping used when none is configured: each role from a group of its own name. */
export const DEFAULT_ROLE_MAPPING = ROLES.map((r) => `${r}=${r}`).join(",");

/**
 * The roles a person has: the values of `claim` (a string or a list of strings) that the mapping knows,
 * in the registry's order, without duplicates. Unknown groups are ignored.
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
  return ROLES.filter((r) => roles.has(r));
}
