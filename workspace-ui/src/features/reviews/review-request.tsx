import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import type { CheckerFile, CheckerRequest } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { CheckReport } from "../../components/check-report";
import { formatBytes, formatMoment } from "../../lib/format";
import { DecisionBadge, RequestStateBadge } from "../../components/request-state-badge";
import { readSdcReport } from "../../lib/sdc/sdc-report";
import { ClaimButton, ClaimsSaid } from "./claim-button";
import { AcroEvidenceSection, readAcroEvidence } from "./acro-evidence";
import { FileChecklist } from "./file-checklist";
import { FilePreview } from "./file-preview";
import { ProfileRules } from "./profile-rules";
import { VoteForm } from "./vote-form";

/** One request as an output checker sees it: why, and per file the check, the file itself and a vote. */
export function ReviewRequest({ id }: { id: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  // Every look is an audit event; the page refreshes only after a vote, not on a timer.
  const request = useQuery({
    ...trpc.reviews.get.queryOptions({ id }),
    refetchOnWindowFocus: false,
    staleTime: 60_000,
  });
  if (request.isPending) return <p aria-busy="true">{t("reviews.request.loading")}</p>;
  if (request.isError) return <ApiError error={request.error} lead={t("reviews.request.failed")} />;
  const r = request.data;
  const left = r.files.filter((f) => f.awaitingMe).length;
  return (
    <article className="request">
      <h1>
        <bdi>{r.title}</bdi>
      </h1>
      <p className="state-line">
        <RequestStateBadge state={r.state} /> {t(`airlock.requestState.${r.state}.detail`)}{" "}
        <strong>{left === 0 ? t("reviews.request.allDone") : t("reviews.request.left", { count: left })}</strong>
      </p>
      {r.permitEnded && (
        <p className="alert" role="status">
          {t("errors.codes.EXPORT_PERMIT_ENDED")}
        </p>
      )}
      {r.requesterRemoved && (
        <p className="alert" role="status">
          {t("errors.codes.EXPORT_REQUESTER_REMOVED")}
        </p>
      )}
      <dl className="facts">
        <dt>{t("reviews.request.researcher")}</dt>
        <dd>
          <bdi>{r.requester}</bdi>
        </dd>
        <dt>{t("reviews.request.environment")}</dt>
        <dd>
          <code>{r.namespace}</code> {t("reviews.request.permitNote", { permitId: r.permitId })}
        </dd>
        <dt>{t("reviews.request.submitted")}</dt>
        <dd>{formatMoment(r.submittedAt)}</dd>
        <dt>{t("reviews.queue.taken")}</dt>
        <dd>
          <ClaimsSaid claims={r.claims} claimedByMe={r.claimedByMe} required={r.reviewersRequired} />{" "}
          {r.state === "submitted" || r.state === "in_review" ? (
            <ClaimButton id={r.id} title={r.title} claimedByMe={r.claimedByMe} />
          ) : null}
        </dd>
        <dt>{t("reviews.request.rules")}</dt>
        <dd>{t("reviews.request.rulesText", { profile: r.profile, count: r.reviewersRequired })}</dd>
      </dl>
      <ProfileRules rules={r.rules} />
      <h2>{t("reviews.request.justification")}</h2>
      <p className="justification" dir="auto">
        {r.justification}
      </p>
      <h2>{t("reviews.request.files")}</h2>
      {r.files.map((f) => (
        <ReviewFile key={`${f.path}@${f.version}`} request={r} file={f} />
      ))}
    </article>
  );
}

function ReviewFile({ request: r, file: f }: { request: CheckerRequest; file: CheckerFile }) {
  const { t } = useTranslation();
  const report = readSdcReport(f.checkReport);
  const acro = readAcroEvidence(f.checkReport);
  // After a vote the form goes away; keyboard and screen reader users land on the votes instead of the page top.
  const votesHeading = useRef<HTMLHeadingElement>(null);
  return (
    <section className="file-card review-file" aria-label={f.path}>
      <h3>
        <code>
          <bdi>{f.path}</bdi>
        </code>
      </h3>
      <p>
        <DecisionBadge decision={f.decision} />{" "}
        <span className="muted">
          {t("reviews.request.fileFacts", {
            type: t(`airlock.fileType.${f.type}`),
            version: f.version,
            size: formatBytes(f.size),
          })}
        </span>
      </p>
      {f.sha256 && (
        <p className="muted small">
          SHA-256 <code className="hash">{f.sha256}</code>
        </p>
      )}
      {f.submittedSha256 && (
        <p className="muted small">
          {t("reviews.request.reencoded")} <code className="hash">{f.submittedSha256}</code>
        </p>
      )}
      <h4>{t("reviews.request.automatic")}</h4>
      <CheckReport report={report} file={f.path} />
      {acro && <AcroEvidenceSection evidence={acro} file={f.path} />}
      <h4>{t("reviews.request.file")}</h4>
      <FilePreview requestId={r.id} file={f} cells={report?.cells ?? []} />
      {f.awaitingMe && <FileChecklist file={f.path} rounding={r.rules.frequency.roundingBase !== null} />}
      <h4 ref={votesHeading} tabIndex={-1}>
        {t("reviews.request.votes")}
      </h4>
      <Votes request={r} file={f} />
      {f.awaitingMe && <VoteForm requestId={r.id} file={f} onVoted={() => votesHeading.current?.focus()} />}
    </section>
  );
}

/** The votes a checker may see: their own always, the others' only once the required number are in. */
function Votes({ request: r, file: f }: { request: CheckerRequest; file: CheckerFile }) {
  const { t } = useTranslation();
  if (f.votes.length > 0)
    return (
      <ul className="reviews">
        {f.votes.map((v) => (
          <li key={v.checker}>
            <strong>
              <Trans
                i18nKey="reviews.request.voted"
                values={{ who: v.checker, vote: t(`airlock.vote.${v.vote}.chosen`) }}
                components={{ bdi: <bdi /> }}
              />
            </strong>{" "}
            <span className="muted small">{formatMoment(v.at)}</span>
            {v.comment && (
              <blockquote>
                <bdi>{v.comment}</bdi>
              </blockquote>
            )}
          </li>
        ))}
      </ul>
    );
  return (
    <>
      {f.myVote && (
        <p>
          <strong>{t("reviews.request.youVoted", { vote: t(`airlock.vote.${f.myVote.vote}.chosen`) })}</strong>{" "}
          <span className="muted small">{formatMoment(f.myVote.at)}</span>
          {f.myVote.comment && (
            <blockquote>
              <bdi>{f.myVote.comment}</bdi>
            </blockquote>
          )}
        </p>
      )}
      <p className="muted">{t("reviews.request.blinded", { votes: f.votesIn, required: r.reviewersRequired })}</p>
    </>
  );
}
