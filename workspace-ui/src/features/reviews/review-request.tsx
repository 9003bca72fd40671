import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { useTRPC } from "../../lib/trpc";
import type { CheckerFile, CheckerRequest } from "../airlock/airlock-api";
import { FILE_TYPE_WORDS, REQUEST_STATE_WORDS, VOTE_WORDS } from "../airlock/airlock-words";
import { ApiError } from "../airlock/api-error";
import { CheckReport } from "../airlock/check-report";
import { formatBytes, formatDateTime } from "../airlock/format";
import { DecisionBadge, RequestStateBadge } from "../airlock/request-state-badge";
import { readSdcReport } from "../airlock/sdc-report";
import { FilePreview } from "./file-preview";
import { VoteForm } from "./vote-form";

/** One request as an output checker sees it: why, and per file the check, the file itself and a vote. */
export function ReviewRequest({ id }: { id: string }) {
  const trpc = useTRPC();
  // Every look is an audit event; the page refreshes only after a vote, not on a timer.
  const request = useQuery({ ...trpc.reviews.get.queryOptions({ id }), refetchOnWindowFocus: false, staleTime: 60_000 });
  if (request.isPending) return <p aria-busy="true">Hämtar förfrågan…</p>;
  if (request.isError) return <ApiError error={request.error} lead="Förfrågan kunde inte hämtas." />;
  const r = request.data;
  const left = r.files.filter((f) => f.awaitingMe).length;
  return (
    <article className="request">
      <h1>{r.title}</h1>
      <p className="state-line">
        <RequestStateBadge state={r.state} /> {REQUEST_STATE_WORDS[r.state].detail}{" "}
        <strong>{left === 0 ? "Du har lämnat omdöme om alla filer." : `${left} ${left === 1 ? "fil väntar" : "filer väntar"} på ditt omdöme.`}</strong>
      </p>
      <dl className="facts">
        <dt>Forskare</dt>
        <dd>{r.requester}</dd>
        <dt>Miljö</dt>
        <dd>
          <code>{r.namespace}</code> (beslut {r.permitId})
        </dd>
        <dt>Inskickad</dt>
        <dd>{formatDateTime(r.submittedAt)}</dd>
        <dt>Regler</dt>
        <dd>
          profil {r.profile}; {r.reviewersRequired} oberoende omdömen per fil
        </dd>
      </dl>
      <h2>Motivering</h2>
      <p className="justification">{r.justification}</p>
      <h2>Filer</h2>
      {r.files.map((f) => (
        <ReviewFile key={`${f.path}@${f.version}`} request={r} file={f} />
      ))}
    </article>
  );
}

function ReviewFile({ request: r, file: f }: { request: CheckerRequest; file: CheckerFile }) {
  const report = readSdcReport(f.checkReport);
  // After a vote the form goes away; keyboard and screen reader users land on the votes instead of the page top.
  const votesHeading = useRef<HTMLHeadingElement>(null);
  return (
    <section className="file-card review-file" aria-label={f.path}>
      <h3>
        <code>{f.path}</code>
      </h3>
      <p>
        <DecisionBadge decision={f.decision} /> <span className="muted">{FILE_TYPE_WORDS[f.type]} · version {f.version} · {formatBytes(f.size)}</span>
      </p>
      {f.sha256 && (
        <p className="muted small">
          SHA-256 <code className="hash">{f.sha256}</code>
        </p>
      )}
      <h4>Automatisk kontroll</h4>
      <CheckReport report={report} file={f.path} />
      <h4>Filen</h4>
      <FilePreview requestId={r.id} file={f} cells={report?.cells ?? []} />
      <h4 ref={votesHeading} tabIndex={-1}>
        Omdömen
      </h4>
      <Votes request={r} file={f} />
      {f.awaitingMe && <VoteForm requestId={r.id} file={f} onVoted={() => votesHeading.current?.focus()} />}
    </section>
  );
}

/** The votes a checker may see: their own always, the others' only once the required number are in. */
function Votes({ request: r, file: f }: { request: CheckerRequest; file: CheckerFile }) {
  if (f.votes.length > 0)
    return (
      <ul className="reviews">
        {f.votes.map((v) => (
          <li key={v.checker}>
            <strong>
              {v.checker}: {VOTE_WORDS[v.vote].chosen.toLowerCase()}
            </strong>{" "}
            <span className="muted small">{formatDateTime(v.at)}</span>
            {v.comment && <blockquote>{v.comment}</blockquote>}
          </li>
        ))}
      </ul>
    );
  return (
    <>
      {f.myVote && (
        <p>
          <strong>Du {VOTE_WORDS[f.myVote.vote].chosen.toLowerCase()}</strong> <span className="muted small">{formatDateTime(f.myVote.at)}</span>
          {f.myVote.comment && <blockquote>{f.myVote.comment}</blockquote>}
        </p>
      )}
      <p className="muted">
        {f.votesIn} av {r.reviewersRequired} omdömen inlämnade. Andras omdömen visas först när alla {r.reviewersRequired} har lämnat sina, så att varje omdöme är oberoende.
      </p>
    </>
  );
}
