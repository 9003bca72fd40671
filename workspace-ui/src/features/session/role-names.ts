import type { TFunction } from "i18next";

const ROLES = ["researcher", "operator", "output-checker", "auditor"] as const;

/** A role in words; a role this UI does not know is shown as the identity provider names it. */
export function roleName(role: string, t: TFunction): string {
  const known = ROLES.find((r) => r === role);
  return known ? t(`session.roles.${known}`) : role;
}
