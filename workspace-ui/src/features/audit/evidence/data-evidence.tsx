import { useTranslation } from "react-i18next";
import { formatCount, formatMoment } from "../../../lib/format";
import { EvidenceTable, Hash } from "./evidence-table";
import type { DataEvidence } from "./evidence-types";

/** The datasets the permit covers, what was delivered and staged of them, with every file's hash. */
export function DataEvidenceView({ evidence }: { evidence: DataEvidence }) {
  const { t } = useTranslation();
  const files = evidence.staged.flatMap((s) => s.files.map((f) => ({ dataset: `${s.datasetId}@${s.version}`, ...f })));
  return (
    <>
      <p>
        <strong>{t("audit.evidence.data.covered")}:</strong>{" "}
        {evidence.datasets.map((d) => `${d.id}@${d.version}`).join(", ") || t("audit.evidence.none")}
      </p>
      {evidence.awaitingDelivery.length > 0 && (
        <p className="gaps">{t("audit.evidence.data.awaiting", { datasets: evidence.awaitingDelivery.join(", ") })}</p>
      )}
      <EvidenceTable
        caption={t("audit.evidence.data.deliveries")}
        columns={[
          t("audit.evidence.data.dataset"),
          t("audit.evidence.data.state"),
          t("audit.evidence.data.by"),
          t("audit.evidence.data.rows"),
          t("audit.evidence.data.finished"),
          t("audit.evidence.data.uploadHash"),
        ]}
        rows={evidence.deliveries}
        empty={t("audit.evidence.data.noDeliveries")}
        row={(d) => [
          `${d.dataset}@${d.version}`,
          t(`deliveries.states.${d.state}`),
          <code key="b">{d.deliveredBy}</code>,
          formatCount(d.rows),
          d.finishedAt ? formatMoment(d.finishedAt) : "–",
          <Hash key="h" value={d.uploadSha256} />,
        ]}
      />
      <EvidenceTable
        caption={t("audit.evidence.data.stagedFiles")}
        columns={[t("audit.evidence.data.dataset"), t("audit.evidence.data.file"), "SHA-256"]}
        rows={files}
        empty={t("audit.evidence.data.nothingStaged")}
        row={(f) => [f.dataset, <code key="p">{f.path}</code>, <Hash key="h" value={f.sha256} />]}
      />
    </>
  );
}
