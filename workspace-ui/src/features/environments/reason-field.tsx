import { useId } from "react";
import { useTranslation } from "react-i18next";
import { REASON_MAX, REASON_MIN } from "@spe/orchestrator/operator-reason";

export const reasonGiven = (reason: string) => reason.trim().length >= REASON_MIN;

/** Why an operator pauses or tears down: required, and said to go into the audit log. */
export function ReasonField({ value, onChange }: { value: string; onChange: (reason: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t("environments.reason.label")}</label>
      <textarea
        id={id}
        value={value}
        required
        rows={2}
        maxLength={REASON_MAX}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-hint`} className="small muted">
        {t("environments.reason.hint")}
      </p>
    </div>
  );
}
