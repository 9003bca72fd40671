import { useTranslation } from "react-i18next";
import type { CheckStatus } from "../lib/api-types";

const TONE: Record<CheckStatus, string> = { pass: "ok", review: "paused", fail: "problem" };

/** A check outcome as a symbol and a word, never by colour alone. */
export function CheckStatusBadge({ status, prefix }: { status: CheckStatus; prefix?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`state state-${TONE[status]}`}>
      <span aria-hidden="true">{t(`airlock.checkStatus.${status}.symbol`)} </span>
      {prefix ? `${prefix}: ${t(`airlock.checkStatus.${status}.lower`)}` : t(`airlock.checkStatus.${status}.label`)}
    </span>
  );
}
