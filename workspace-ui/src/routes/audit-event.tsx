import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { AuditEvent } from "../features/audit/audit-event";

/** Auditors: one event of the log, in words and in the chain. */
export default function AuditEventPage() {
  const { t } = useTranslation();
  const sequence = Number(useParams().sequence);
  return (
    <article>
      <h1>{t("audit.event.title", { sequence })}</h1>
      <p>
        <Link to="/audit">{t("audit.event.back")}</Link>
      </p>
      {Number.isInteger(sequence) && sequence > 0 ? (
        <AuditEvent sequence={sequence} />
      ) : (
        <p role="alert">{t("errors.codes.AUDIT_EVENT_NOT_FOUND")}</p>
      )}
    </article>
  );
}
