import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import type { ResearcherRequest } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { formatMoment } from "../../lib/format";
import { RequestStateBadge } from "../../components/request-state-badge";
import { useMe } from "../../lib/use-me";
import { ReleaseRecord } from "./release-record";
import { RequestFile } from "./request-file";

/** One export request as its researchers see it: where it stands, each file's decision, and what they can do next. */
export function RequestDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const request = useQuery({
    ...trpc.exports.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && ["submitted", "in_review"].includes(q.state.data.state) ? 5000 : false),
  });
  if (request.isPending) return <p aria-busy="true">{t("exports.detail.loading")}</p>;
  if (request.isError) return <ApiError error={request.error} lead={t("exports.detail.failed")} />;
  const r = request.data;
  const isAuthor = me.data?.subject === r.requester;
  return (
    <article className="request">
      <h1>
        <bdi>{r.title}</bdi>
      </h1>
      <p className="state-line">
        <RequestStateBadge state={r.state} /> {t(`airlock.requestState.${r.state}.detail`)}
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
        <dt>{t("exports.detail.environment")}</dt>
        <dd>
          <code>{r.namespace}</code> {t("exports.detail.permitNote", { permitId: r.permitId })}
        </dd>
        <dt>{t("exports.detail.created")}</dt>
        <dd>{t("exports.detail.createdBy", { when: formatMoment(r.createdAt), who: r.requester })}</dd>
        <dt>{t("exports.detail.submitted")}</dt>
        <dd>{formatMoment(r.submittedAt)}</dd>
        <dt>{t("exports.detail.decided")}</dt>
        <dd>{formatMoment(r.decidedAt)}</dd>
        <dt>{t("exports.detail.review")}</dt>
        <dd>{t("exports.detail.reviewers", { count: r.reviewersRequired })}</dd>
      </dl>
      <h2>{t("exports.detail.justification")}</h2>
      <p className="justification" dir="auto">
        {r.justification}
      </p>
      <h2>{t("exports.detail.files")}</h2>
      <div className="file-cards">
        {r.files.map((f) => (
          <RequestFile key={`${f.path}@${f.version}`} request={r} file={f} isAuthor={isAuthor} />
        ))}
      </div>
      {r.released && <ReleaseRecord id={r.id} />}
      {isAuthor ? (
        <AuthorActions request={r} />
      ) : (
        <p className="muted">
          <Trans i18nKey="exports.detail.onlyAuthor" values={{ who: r.requester }} components={{ bdi: <bdi /> }} />
        </p>
      )}
    </article>
  );
}

/** Submit a draft, resubmit after changes, or withdraw before a decision. */
function AuthorActions({ request: r }: { request: ResearcherRequest }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.exports.pathKey() });
  const submit = useMutation(trpc.exports.submit.mutationOptions({ onSuccess: refresh }));
  const withdraw = useMutation(trpc.exports.withdraw.mutationOptions({ onSuccess: refresh }));
  const canSubmit = r.state === "draft" || r.state === "changes_requested";
  const canWithdraw = ["draft", "submitted", "in_review", "changes_requested"].includes(r.state);
  const unrevised = r.files.filter((f) => f.decision === "changes_requested" && f.sha256 !== null);
  if (!canSubmit && !canWithdraw) return null;
  return (
    <section aria-label={t("exports.detail.actions")} className="actions-panel">
      {r.state === "changes_requested" && unrevised.length > 0 && (
        <p className="notice">
          <span aria-hidden="true">! </span>
          {t("exports.detail.replaceFirst", { count: unrevised.length })}
        </p>
      )}
      {submit.isError && <ApiError error={submit.error} lead={t("exports.detail.submitFailed")} />}
      {withdraw.isError && <ApiError error={withdraw.error} lead={t("exports.detail.withdrawFailed")} />}
      <div className="actions">
        {canSubmit && (
          <button
            type="button"
            disabled={submit.isPending || unrevised.length > 0}
            onClick={() => submit.mutate({ id: r.id })}
          >
            {submit.isPending
              ? t("exports.detail.sending")
              : r.state === "draft"
                ? t("exports.detail.submit")
                : t("exports.detail.resubmit")}
          </button>
        )}
        {canWithdraw && !confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t("exports.detail.withdraw")}
          </button>
        )}
      </div>
      {confirming && (
        <div role="group" aria-label={t("exports.detail.confirm")} className="confirm">
          <p>{t("exports.detail.withdrawQuestion")}</p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={withdraw.isPending}
              onClick={() => withdraw.mutate({ id: r.id }, { onSettled: () => setConfirming(false) })}
            >
              {t("exports.detail.withdrawYes")}
            </button>
            <button type="button" className="secondary" autoFocus onClick={() => setConfirming(false)}>
              {t("app.cancel")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
