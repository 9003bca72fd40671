import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../lib/trpc";
import type { ResearcherFile, ResearcherRequest } from "../airlock/airlock-api";
import { FILE_TYPE_WORDS, VOTE_WORDS } from "../airlock/airlock-words";
import { ApiError } from "../airlock/api-error";
import { CheckReport } from "../airlock/check-report";
import { CheckStatusBadge } from "../airlock/check-status";
import { baseName, formatBytes, formatDateTime } from "../airlock/format";
import { DecisionBadge } from "../airlock/request-state-badge";
import { readSdcReport } from "../airlock/sdc-report";

/** One file of a request: its decision, the checkers' comments once decided, its check, and what can be done with it. */
export function RequestFile({ request: r, file: f, isAuthor }: { request: ResearcherRequest; file: ResearcherFile; isAuthor: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revise = useMutation(trpc.exports.revise.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.exports.pathKey() }) }));
  const report = readSdcReport(f.checkReport);
  const downloadable = r.state === "released" && f.decision === "approved";
  const awaitingCopy = f.sha256 === null;
  return (
    <section className="file-card" aria-label={f.path}>
      <h3>
        <code>{f.path}</code>
      </h3>
      <p>
        <DecisionBadge decision={f.decision} />
        {(f.decision === "pending" || f.decision === "conflicted") && !awaitingCopy && (
          <span className="muted">
            {" "}
            {f.votesIn} av {r.reviewersRequired} omdömen inlämnade
          </span>
        )}
      </p>
      <dl className="facts">
        <dt>Typ</dt>
        <dd>{FILE_TYPE_WORDS[f.type]}</dd>
        <dt>Version</dt>
        <dd>{f.version}</dd>
        <dt>Storlek</dt>
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
      {awaitingCopy && r.state !== "withdrawn" && <p className="muted">Filen kopieras från utkorgen och kontrolleras när förfrågan skickas in.</p>}
      {f.reviews.length > 0 && (
        <>
          <h4>Granskarnas omdömen</h4>
          <ul className="reviews">
            {f.reviews.map((v, i) => (
              <li key={i}>
                <strong>
                  Granskare {i + 1}: {VOTE_WORDS[v.vote].chosen.toLowerCase()}
                </strong>{" "}
                <span className="muted small">{formatDateTime(v.at)}</span>
                {v.comment && <blockquote>{v.comment}</blockquote>}
              </li>
            ))}
          </ul>
        </>
      )}
      {report && (
        <details>
          <summary>
            <CheckStatusBadge status={report.status} prefix="Automatisk kontroll" />
          </summary>
          <CheckReport report={report} file={f.path} headline={false} />
        </details>
      )}
      {revise.isError && <ApiError error={revise.error} lead="Filen kunde inte ersättas." />}
      <div className="actions">
        {downloadable && (
          <a className="button" href={`/exports/${r.id}/files?path=${encodeURIComponent(f.path)}`} download={baseName(f.path)}>
            Ladda ner {baseName(f.path)}
          </a>
        )}
        {isAuthor && r.state === "changes_requested" && f.decision === "changes_requested" && !awaitingCopy && (
          <button type="button" disabled={revise.isPending} onClick={() => revise.mutate({ id: r.id, path: f.path })}>
            Ersätt med ny version från utkorgen
          </button>
        )}
      </div>
    </section>
  );
}
