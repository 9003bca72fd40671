import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../airlock/api-error";
import { formatDateTime } from "../airlock/format";
import { RequestStateBadge } from "../airlock/request-state-badge";

/** Every export request of the permits that name me, newest first, with its state in words. */
export function MyRequests() {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.exports.list.queryOptions(), refetchInterval: 10_000 });
  if (list.isPending) return <p aria-busy="true">Hämtar förfrågningar…</p>;
  if (list.isError) return <ApiError error={list.error} lead="Förfrågningarna kunde inte hämtas." />;
  if (list.data.length === 0) return <p>Inga exportförfrågningar ännu. Börja från utkorgen i en av dina miljöer.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">Exportförfrågningar</caption>
        <thead>
          <tr>
            <th scope="col">Rubrik</th>
            <th scope="col">Läge</th>
            <th scope="col">Filer</th>
            <th scope="col">Beslut</th>
            <th scope="col">Skapad</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/exports/${r.id}`}>{r.title}</Link>
                {r.requester && <span className="muted small"> av {r.requester}</span>}
              </td>
              <td>
                <RequestStateBadge state={r.state} />
              </td>
              <td>{r.files}</td>
              <td>{r.permitId}</td>
              <td>{formatDateTime(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
