import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../lib/trpc";
import type { ResearcherRequest } from "../airlock/airlock-api";
import { REQUEST_STATE_WORDS } from "../airlock/airlock-words";
import { ApiError } from "../airlock/api-error";
import { formatDateTime } from "../airlock/format";
import { RequestStateBadge } from "../airlock/request-state-badge";
import { useMe } from "../session/use-me";
import { ReleaseRecord } from "./release-record";
import { RequestFile } from "./request-file";

/** One export request as its researchers see it: where it stands, each file's decision, and what they can do next. */
export function RequestDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const me = useMe();
  const request = useQuery({ ...trpc.exports.get.queryOptions({ id }), refetchInterval: (q) => (q.state.data && ["submitted", "in_review"].includes(q.state.data.state) ? 5000 : false) });
  if (request.isPending) return <p aria-busy="true">Hämtar förfrågan…</p>;
  if (request.isError) return <ApiError error={request.error} lead="Förfrågan kunde inte hämtas." />;
  const r = request.data;
  const isAuthor = me.data?.subject === r.requester;
  return (
    <article className="request">
      <h1>{r.title}</h1>
      <p className="state-line">
        <RequestStateBadge state={r.state} /> {REQUEST_STATE_WORDS[r.state].detail}
      </p>
      <dl className="facts">
        <dt>Miljö</dt>
        <dd>
          <code>{r.namespace}</code> (beslut {r.permitId})
        </dd>
        <dt>Skapad</dt>
        <dd>
          {formatDateTime(r.createdAt)} av {r.requester}
        </dd>
        <dt>Inskickad</dt>
        <dd>{formatDateTime(r.submittedAt)}</dd>
        <dt>Avgjord</dt>
        <dd>{formatDateTime(r.decidedAt)}</dd>
        <dt>Granskning</dt>
        <dd>{r.reviewersRequired} oberoende utdatagranskare per fil</dd>
      </dl>
      <h2>Motivering</h2>
      <p className="justification">{r.justification}</p>
      <h2>Filer</h2>
      <div className="file-cards">
        {r.files.map((f) => (
          <RequestFile key={`${f.path}@${f.version}`} request={r} file={f} isAuthor={isAuthor} />
        ))}
      </div>
      {r.released && <ReleaseRecord id={r.id} />}
      {isAuthor ? <AuthorActions request={r} /> : <p className="muted">Bara {r.requester}, som gjorde förfrågan, kan ändra den.</p>}
    </article>
  );
}

/** Submit a draft, resubmit after changes, or withdraw before a decision. */
function AuthorActions({ request: r }: { request: ResearcherRequest }) {
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
    <section aria-label="Åtgärder" className="actions-panel">
      {r.state === "changes_requested" && unrevised.length > 0 && (
        <p className="notice">
          <span aria-hidden="true">! </span>
          Ersätt {unrevised.length === 1 ? "filen" : `de ${unrevised.length} filerna`} där granskarna begärt ändringar med en ny version från utkorgen innan du skickar in igen.
        </p>
      )}
      {submit.isError && <ApiError error={submit.error} lead="Förfrågan kunde inte skickas in." />}
      {withdraw.isError && <ApiError error={withdraw.error} lead="Förfrågan kunde inte dras tillbaka." />}
      <div className="actions">
        {canSubmit && (
          <button type="button" disabled={submit.isPending || unrevised.length > 0} onClick={() => submit.mutate({ id: r.id })}>
            {submit.isPending ? "Skickar in…" : r.state === "draft" ? "Skicka in för granskning" : "Skicka in igen"}
          </button>
        )}
        {canWithdraw && !confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Dra tillbaka…
          </button>
        )}
      </div>
      {confirming && (
        <div role="group" aria-label="Bekräfta" className="confirm">
          <p>Dra tillbaka förfrågan? Inga av filerna lämnas ut, och den kan inte skickas in igen.</p>
          <div className="actions">
            <button type="button" className="danger" disabled={withdraw.isPending} onClick={() => withdraw.mutate({ id: r.id }, { onSettled: () => setConfirming(false) })}>
              Ja, dra tillbaka
            </button>
            <button type="button" className="secondary" autoFocus onClick={() => setConfirming(false)}>
              Avbryt
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
