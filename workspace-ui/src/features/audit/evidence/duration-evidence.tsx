import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { EvidenceTable, Hash } from "./evidence-table";
import type { DurationEvidence } from "./evidence-types";

/** The permit's period, and once torn down the deletion certificate: what was deleted, why and when. */
export function DurationEvidenceView({ evidence }: { evidence: DurationEvidence }) {
  const { t } = useTranslation();
  const { teardown } = evidence;
  return (
    <>
      <dl className="facts">
        <dt>{t("audit.evidence.duration.valid")}</dt>
        <dd>
          {formatMoment(evidence.validFrom)} – {formatMoment(evidence.validUntil)}
        </dd>
        <dt>{t("audit.evidence.duration.permit")}</dt>
        <dd>{t(`audit.evidence.duration.permitStatus.${evidence.status}`)}</dd>
        <dt>{t("audit.evidence.duration.environment")}</dt>
        <dd>{t(`audit.evidence.duration.desired.${evidence.desiredState}`)}</dd>
      </dl>
      {teardown ? (
        <>
          <h3>{t("audit.evidence.duration.certificate")}</h3>
          <dl className="facts">
            <dt>{t("audit.evidence.duration.reason")}</dt>
            <dd>{teardown.reason ? t(`audit.evidence.duration.reasons.${teardown.reason}`) : "–"}</dd>
            <dt>{t("audit.evidence.duration.requested")}</dt>
            <dd>{formatMoment(teardown.requestedAt)}</dd>
            <dt>{t("audit.evidence.duration.completed")}</dt>
            <dd>{teardown.completedAt ? formatMoment(teardown.completedAt) : t("audit.evidence.duration.notYet")}</dd>
            <dt>{t("audit.evidence.duration.objects")}</dt>
            <dd>
              {teardown.objects.length
                ? teardown.objects.map((o) => <code key={o}>{o} </code>)
                : t("audit.evidence.none")}
            </dd>
            <dt>{t("audit.evidence.duration.staging")}</dt>
            <dd>
              {teardown.stagingDeleted ? t("audit.evidence.yes") : t("audit.evidence.no")}
              <p className="small">{t("audit.evidence.duration.stagingWhy")}</p>
            </dd>
          </dl>
          <EvidenceTable
            caption={t("audit.evidence.duration.volumes")}
            columns={[
              t("audit.evidence.duration.claim"),
              t("audit.evidence.duration.held"),
              t("audit.evidence.duration.person"),
              t("audit.evidence.duration.size"),
            ]}
            rows={teardown.volumes}
            empty={t("audit.evidence.none")}
            row={(v) => [
              <code key="c">{v.claim}</code>,
              t(`audit.evidence.duration.holds.${v.holds}`),
              v.person ?? "–",
              v.size,
            ]}
          />
          <EvidenceTable
            caption={t("audit.evidence.duration.deletedData")}
            columns={[t("audit.evidence.data.dataset"), t("audit.evidence.duration.manifest")]}
            rows={teardown.stagedData}
            empty={t("audit.evidence.duration.noDeletedData")}
            row={(d) => [`${d.datasetId}@${d.version}`, <Hash key="h" value={d.manifestSha256} />]}
          />
        </>
      ) : (
        <p>{t("audit.evidence.duration.running")}</p>
      )}
    </>
  );
}
