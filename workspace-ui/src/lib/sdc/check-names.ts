import type { TFunction } from "i18next";
import { sv } from "../../locales/sv";

type CheckName = keyof typeof sv.airlock.checkNames;
const isKnown = (name: string): name is CheckName => name in sv.airlock.checkNames;

/** A disclosure check's name in words; a check this UI does not know yet keeps the orchestrator's name. */
export const checkName = (name: string, t: TFunction) => (isKnown(name) ? t(`airlock.checkNames.${name}`) : name);
