import type { TFunction } from "i18next";
import { isRole } from "@spe/orchestrator/roles";

/** A role in words; a role this UI does not know is shown as the identity provider names it. */
export function roleName(role: string, t: TFunction): string {
  return isRole(role) ? t(`session.roles.${role}`) : role;
}
