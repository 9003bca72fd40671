import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { EvidenceTable, Hash } from "./evidence-table";
import type { OutputEvidence } from "./evidence-types";

/** Every export request of the permit: each file version with its hash, check, decision and reviewers. */
export function OutputEvidenceView({ evidence }: { evidence: OutputEvidence }) {
  const { t } = useTranslation();
  const { outputPolicy, exports } = evidence;
  return (
    <>
      <p>
        {t("audit.evidence.outputs.policy", { profile: outputPolicy.profile, count: outputPolicy.reviewersRequired })}
      </p>
      {exports.length === 0 && <p>{t("audit.evidence.outputs.none")}</p>}
      {exports.map((r) => (
        <section key={r.id} aria-label={r.title} className="evidence-export">
          <h3>{r.title}</h3>
          <p className="small">
            {t("audit.evidence.outputs.request", {
              requester: r.requester,
              state: t(`airlock.requestState.${r.state}.label`),
              submitted: r.submittedAt ? formatMoment(r.submittedAt) : "–",
              decided: r.decidedAt ? formatMoment(r.decidedAt) : "–",
            })}{" "}
            {r.released && <strong>{t("audit.evidence.outputs.released")}</strong>}
          </p>
          <EvidenceTable
            caption={t("audit.evidence.outputs.files")}
            columns={[
              t("audit.evidence.outputs.file"),
              "SHA-256",
              t("audit.evidence.outputs.check"),
              t("audit.evidence.outputs.decision"),
              t("audit.evidence.outputs.reviews"),
            ]}
            rows={r.files}
            empty={t("audit.evidence.none")}
            row={(f) => [
              <>
                <code>{f.path}</code> <span className="muted small">v{f.version}</span>
              </>,
              <Hash key="h" value={f.sha256} />,
              f.checkStatus ? t(`airlock.checkStatus.${f.checkStatus}.label`) : "–",
              t(`airlock.decision.${f.decision}`),
              f.reviews.length
                ? f.reviews
                    .map((v) => `${v.checker} ${t(`airlock.vote.${v.vote}.chosen`)} ${formatMoment(v.at)}`)
                    .join("; ")
                : "–",
            ]}
          />
        </section>
      ))}
    </>
  );
}
