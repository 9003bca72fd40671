import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";

/** One compliance evidence report per environment, and its record of activities. */
export function EvidenceLinks() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const environments = useQuery(trpc.audit.environments.queryOptions());
  if (!environments.data?.length) return null;
  return (
    <>
      <h3>{t("audit.evidenceReports")}</h3>
      <ul>
        {environments.data.map((e) => (
          <li key={e.namespace}>
            <Link to={`/evidence/${e.namespace}`}>{e.permitId}</Link>{" "}
            <span className="muted">({t(`audit.evidence.duration.desired.${e.desiredState}`)})</span> ·{" "}
            <Link to={`/activity/${e.namespace}`}>{t("audit.activity.link")}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
