import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../airlock/api-error";
import { formatAge, formatDateTime } from "../airlock/format";
import { RequestStateBadge } from "../airlock/request-state-badge";

/** Requests awaiting my vote, oldest first: the longest wait is at the top. */
export function ReviewQueue() {
  const trpc = useTRPC();
  const queue = useQuery({ ...trpc.reviews.queue.queryOptions(), refetchInterval: 10_000 });
  if (queue.isPending) return <p aria-busy="true">Hämtar granskningskön…</p>;
  if (queue.isError) return <ApiError error={queue.error} lead="Kön kunde inte hämtas." />;
  if (queue.data.length === 0) return <p>Inga utdataförfrågningar väntar på din granskning.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">Förfrågningar som väntar på ditt omdöme, äldst först</caption>
        <thead>
          <tr>
            <th scope="col">Förfrågan</th>
            <th scope="col">Väntat</th>
            <th scope="col">Filer att granska</th>
            <th scope="col">Automatisk kontroll</th>
          </tr>
        </thead>
        <tbody>
          {queue.data.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/reviews/${r.id}`}>{r.title}</Link> <RequestStateBadge state={r.state} />
                <br />
                <code className="muted small">{r.namespace}</code>
              </td>
              <td>
                <span title={`Inskickad ${formatDateTime(r.submittedAt)}`}>{formatAge(r.ageHours)}</span>
              </td>
              <td>
                {r.awaitingMe} av {r.files}
              </td>
              <td>
                {r.failedChecks > 0 ? (
                  <span className="state state-problem">
                    <span aria-hidden="true">✗ </span>
                    {r.failedChecks} {r.failedChecks === 1 ? "fil underkänd" : "filer underkända"}
                  </span>
                ) : (
                  <span className="muted">Inga underkända filer</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
