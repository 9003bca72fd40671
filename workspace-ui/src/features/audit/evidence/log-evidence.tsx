import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../../lib/format";
import { ChainVerdict } from "../chain-verdict";
import { EvidenceTable } from "./evidence-table";
import type { LogEvidence } from "./evidence-types";

/** Whether the whole audit log's chain holds, and every event about this environment and its permit. */
export function LogEvidenceView({ evidence }: { evidence: LogEvidence }) {
  const { t } = useTranslation();
  const { chain } = evidence;
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
          formatDateTime(e.time),
          <>
            <code>{e.actor.subject}</code> <span className="muted small">({e.actor.role})</span>
          </>,
          <code key="a">{e.action}</code>,
          <code key="t">{e.target}</code>,
        ]}
      />
    </>
  );
}
