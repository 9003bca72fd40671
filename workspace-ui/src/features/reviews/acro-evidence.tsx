import { useTranslation } from "react-i18next";
import { CheckStatusBadge } from "../../components/check-status";
import type { CheckStatus } from "../../lib/api-types";

/** ACRO's record of one output, as the orchestrator keeps it beside its own checks (`acro` in the report). */
interface AcroEvidence {
  version: string;
  folder: string;
  resultsSha256: string;
  uid: string;
  outputType: string;
  status: CheckStatus;
  summary: string;
  comments: string[];
  exception: string;
  flaggedCells: number;
  ours: { status: CheckStatus; method: "crosstab" | "regression" | "none" };
  disagree: boolean;
  laxer: Array<{ setting: string; acro: unknown; profile: unknown }>;
}

/** The ACRO 1.0.2 defects a checker must know of (each has its words in the locales). */
const DEFECTS = ["missing", "float", "identical", "negative", "survival"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isStatus = (v: unknown): v is CheckStatus => v === "pass" || v === "review" || v === "fail";
const text = (v: unknown) => (typeof v === "string" ? v : "");

/** ACRO's evidence in a stored report, or undefined when the file is not from an ACRO folder. */
export function readAcroEvidence(report: unknown): AcroEvidence | undefined {
  const acro = isRecord(report) ? report.acro : undefined;
  if (!isRecord(acro) || !isStatus(acro.status) || !isRecord(acro.ours) || !isStatus(acro.ours.status))
    return undefined;
  const method = acro.ours.method === "crosstab" || acro.ours.method === "regression" ? acro.ours.method : "none";
  return {
    version: text(acro.version),
    folder: text(acro.folder),
    resultsSha256: text(acro.resultsSha256),
    uid: text(acro.uid),
    outputType: text(acro.outputType),
    status: acro.status,
    summary: text(acro.summary),
    comments: Array.isArray(acro.comments) ? acro.comments.map(text) : [],
    exception: text(acro.exception),
    flaggedCells: typeof acro.flaggedCells === "number" ? acro.flaggedCells : 0,
    ours: { status: acro.ours.status, method },
    disagree: acro.disagree === true,
    laxer: Array.isArray(acro.laxer)
      ? acro.laxer.filter(isRecord).map((l) => ({ setting: text(l.setting), acro: l.acro, profile: l.profile }))
      : [],
  };
}

/**
 * What ACRO said of an output, beside our checks and never in their place: ACRO's files are written in the
 * researcher's session, unsigned, and ACRO 1.0.2 has known defects, which the section names.
 */
export function AcroEvidenceSection({ evidence: e, file }: { evidence: AcroEvidence; file: string }) {
  const { t } = useTranslation();
  return (
    <section className="acro-evidence" aria-label={t("reviews.acro.region", { file })}>
      <h4>{t("reviews.acro.heading")}</h4>
      <p className="muted">{t("reviews.acro.intro", { version: e.version, folder: e.folder, uid: e.uid })}</p>
      <dl className="facts">
        <dt>{t("reviews.acro.acroStatus")}</dt>
        <dd>
          <CheckStatusBadge status={e.status} />{" "}
          <span className="muted">{t("reviews.acro.flagged", { count: e.flaggedCells, type: e.outputType })}</span>
        </dd>
        <dt>{t("reviews.acro.ourStatus")}</dt>
        <dd>
          <CheckStatusBadge status={e.ours.status} />{" "}
          <span className="muted">{t(`reviews.acro.how.${e.ours.method}`)}</span>
        </dd>
        <dt>{t("reviews.acro.summary")}</dt>
        <dd>{e.summary ? <code>{e.summary}</code> : t("reviews.acro.nothing")}</dd>
        <dt>{t("reviews.acro.comments")}</dt>
        <dd>
          {e.comments.length ? (
            <ul>
              {e.comments.map((c, i) => (
                <li key={i}>{c}</li>
              ))}
            </ul>
          ) : (
            t("reviews.acro.nothing")
          )}
        </dd>
        <dt>{t("reviews.acro.exception")}</dt>
        <dd>{e.exception ? <blockquote>{e.exception}</blockquote> : t("reviews.acro.nothing")}</dd>
      </dl>
      {e.disagree && (
        <p className="notice">
          <span aria-hidden="true">! </span>
          {t("reviews.acro.disagree")}
        </p>
      )}
      {e.laxer.length > 0 && (
        <div className="notice">
          <p>{t("reviews.acro.laxer")}</p>
          <ul>
            {e.laxer.map((l) => (
              <li key={l.setting}>
                {t("reviews.acro.laxerSetting", {
                  setting: l.setting,
                  acro: String(l.acro),
                  profile: String(l.profile),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h5>{t("reviews.acro.defectsHeading", { version: "1.0.2" })}</h5>
      <ul className="acro-defects">
        {DEFECTS.map((d) => (
          <li key={d}>{t(`reviews.acro.defects.${d}`)}</li>
        ))}
      </ul>
      <p className="muted small">
        results.json SHA-256 <code className="hash">{e.resultsSha256}</code>
      </p>
    </section>
  );
}
