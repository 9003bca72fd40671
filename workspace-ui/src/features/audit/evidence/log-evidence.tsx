import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatMoment } from "../../../lib/format";
import { ActivityChainVerdict } from "../activity/activity-chain";
import { ChainVerdict } from "../chain-verdict";
import { EvidenceTable } from "./evidence-table";
import type { LogEvidence } from "./evidence-types";

/**
 * Whether the whole audit log's chain holds, and every event about this environment and its permit; then
 * the record of activities: whether its chain holds and how much of each kind each person did.
 */
export function LogEvidenceView({ evidence, namespace }: { evidence: LogEvidence; namespace: string }) {
  const { t } = useTranslation();
  const { chain, activity } = evidence;
  const kinds = [...new Set(activity.persons.flatMap((p) => Object.keys(p.counts)))].sort() as Array<
    keyof (typeof activity.persons)[number]["counts"]
  >;
  return (
    <>
      <ChainVerdict result={chain} />
      <EvidenceTable
        caption={t("audit.evidence.logs.events", { count: evidence.events.length })}
        columns={[
          t("audit.evidence.logs.sequence"),
          t("audit.evidence.when"),
          t("audit.evidence.logs.actor"),
          t("audit.evidence.logs.action"),
          t("audit.evidence.logs.target"),
        ]}
        rows={evidence.events}
        empty={t("audit.evidence.none")}
        row={(e) => [
          e.sequence,
          formatMoment(e.time),
          <>
            <code>{e.actor.subject}</code> <span className="muted small">({e.actor.role})</span>
          </>,
          <code key="a">{e.action}</code>,
          <code key="t">{e.target}</code>,
        ]}
      />
      <h3>{t("audit.evidence.logs.activity")}</h3>
      <ActivityChainVerdict result={activity.chain} />
      <EvidenceTable
        caption={t("audit.evidence.logs.activityCounts")}
        columns={[
          t("audit.evidence.logs.actor"),
          ...kinds.map((k) => t(`audit.activity.kinds.${k}`)),
          t("audit.evidence.logs.firstActivity"),
          t("audit.evidence.logs.lastActivity"),
        ]}
        rows={activity.persons}
        empty={t("audit.evidence.logs.noActivity")}
        row={(p) => [
          <code key="s">{p.subject}</code>,
          ...kinds.map((k) => p.counts[k] ?? 0),
          formatMoment(p.first),
          formatMoment(p.last),
        ]}
      />
      <p className="no-print">
        <Link to={`/activity/${namespace}`}>{t("audit.activity.link")}</Link>
      </p>
    </>
  );
}
