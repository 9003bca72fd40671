import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { actionWords, targetWords } from "./audit-words";
import { ChainStatus } from "./chain-status";
import { EvidenceLinks } from "./evidence-links";

/** Auditors' start: the chain verified against the latest signed checkpoint, the newest events, the reports. */
export function AuditLog() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const recent = useQuery({ ...trpc.audit.page.queryOptions({ limit: 5 }), refetchInterval: 5000 });
  return (
    <>
      <ChainStatus />
      <p>
        <Link to="/audit">{t("audit.trail.open")}</Link>
      </p>
      {recent.data && recent.data.events.length > 0 && (
        <>
          <h3>{t("audit.trail.recent")}</h3>
          <ul>
            {recent.data.events.map((e) => (
              <li key={e.sequence}>
                <Link to={`/audit/events/${e.sequence}`}>{actionWords(e.action, t)}</Link> ·{" "}
                <bdi>{targetWords(e.target, t)}</bdi> · <span className="muted">{formatMoment(e.time)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <EvidenceLinks />
    </>
  );
}
