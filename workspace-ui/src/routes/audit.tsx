import { useTranslation } from "react-i18next";
import { AuditTrail } from "../features/audit/audit-trail";
import { ChainStatus } from "../features/audit/chain-status";
import { useMe } from "../lib/use-me";

/** Auditors: the whole audit log, searchable and exportable, under the chain's verdict. */
export default function Audit() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <article>
      <h1>{t("audit.trail.title")}</h1>
      <ChainStatus />
      <AuditTrail timeZone={me.data?.timeZone ?? "Europe/Stockholm"} />
    </article>
  );
}
