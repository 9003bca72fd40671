import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import type { ResearcherFile, ResearcherRequest } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { CheckReport } from "../../components/check-report";
import { CheckStatusBadge } from "../../components/check-status";
import { baseName, formatBytes, formatMoment } from "../../lib/format";
import { DecisionBadge } from "../../components/request-state-badge";
import { readSdcReport } from "../../lib/sdc/sdc-report";

/** One file of a request: its decision, the checkers' comments once decided, its check, and what can be done with it. */
export function RequestFile({
  request: r,
  file: f,
  isAuthor,
}: {
  request: ResearcherRequest;
  file: ResearcherFile;
  isAuthor: boolean;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revise = useMutation(
    trpc.exports.revise.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.exports.pathKey() }),
    }),
  );
  const report = readSdcReport(f.checkReport);
  // Released files are served only while the permit is in force; the request's page says why when it is not.
  const downloadable = r.state === "released" && f.decision === "approved" && !r.permitEnded;
  const awaitingCopy = f.sha256 === null;
  return (
    <section className="file-card" aria-label={f.path}>
      <h3>
        <code>
          <bdi>{f.path}</bdi>
        </code>
      </h3>
      <p>
        <DecisionBadge decision={f.decision} />
        {(f.decision === "pending" || f.decision === "conflicted") && !awaitingCopy && (
          <span className="muted">
            {" "}
            {t("exports.file.votesIn", { votes: f.votesIn, required: r.reviewersRequired })}
          </span>
        )}
      </p>
      <dl className="facts">
        <dt>{t("exports.file.type")}</dt>
        <dd>{t(`airlock.fileType.${f.type}`)}</dd>
        <dt>{t("exports.file.version")}</dt>
        <dd>{f.version}</dd>
        <dt>{t("exports.file.size")}</dt>
        <dd>{formatBytes(f.size)}</dd>
        {f.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <code className="hash">{f.sha256}</code>
            </dd>
          </>
        )}
      </dl>
      {awaitingCopy && r.state !== "withdrawn" && <p className="muted">{t("exports.file.awaitingCopy")}</p>}
      {f.reviews.length > 0 && (
        <>
          <h4>{t("exports.file.reviews")}</h4>
          <ul className="reviews">
            {f.reviews.map((v, i) => (
              <li key={i}>
                <strong>{t("exports.file.reviewer", { n: i + 1, vote: t(`airlock.vote.${v.vote}.chosen`) })}</strong>{" "}
                <span className="muted small">{formatMoment(v.at)}</span>
                {v.comment && (
                  <blockquote>
                    <bdi>{v.comment}</bdi>
                  </blockquote>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {report && (
        <details>
          <summary>
            <CheckStatusBadge status={report.status} prefix={t("exports.file.automatic")} />
          </summary>
          <CheckReport report={report} file={f.path} headline={false} />
        </details>
      )}
      {revise.isError && <ApiError error={revise.error} lead={t("exports.file.replaceFailed")} />}
      <div className="actions">
        {downloadable && (
          <a
            className="button"
            href={`/exports/${r.id}/files?path=${encodeURIComponent(f.path)}`}
            download={baseName(f.path)}
          >
            {t("exports.file.download", { name: baseName(f.path) })}
          </a>
        )}
        {isAuthor && r.state === "changes_requested" && f.decision === "changes_requested" && !awaitingCopy && (
          <button type="button" disabled={revise.isPending} onClick={() => revise.mutate({ id: r.id, path: f.path })}>
            {t("exports.file.replace")}
          </button>
        )}
      </div>
    </section>
  );
}
