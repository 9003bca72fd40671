import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { describeState, formatDate, type EnvironmentSummary } from "./environment-state";
import { StateBadge } from "./state-badge";

/** A researcher's environments: only those whose permit names them. */
export function MyEnvironments() {
  const trpc = useTRPC();
  const mine = useQuery({ ...trpc.environments.mine.queryOptions(), refetchInterval: 5000 });
  if (mine.isPending) return <p aria-busy="true">Hämtar dina miljöer…</p>;
  if (mine.isError) return <p role="alert">Miljöerna kunde inte hämtas: {mine.error.message}</p>;
  const environments = mine.data as unknown as EnvironmentSummary[];
  if (environments.length === 0)
    return <p>Du har inga behandlingsmiljöer ännu. De visas här när ett dataåtkomstbeslut som nämner dig har tagits emot.</p>;
  return (
    <ul className="environment-list">
      {environments.map((e) => (
        <li key={e.namespace} className="environment">
          <div className="environment-head">
            <strong>{e.purpose ?? e.permitId}</strong> <StateBadge environment={e} />
          </div>
          <p className="muted">{describeState(e).detail}</p>
          <dl className="facts">
            <dt>Beslut</dt>
            <dd>{e.permitId}</dd>
            <dt>Giltig till</dt>
            <dd>{formatDate(e.validUntil)}</dd>
          </dl>
          {e.desiredState === "active" && (
            <p className="environment-links">
              <Link to={`/environments/${e.namespace}/outbox`} aria-label={`Utkorg och ny exportförfrågan för ${e.purpose ?? e.permitId}`}>
                Utkorg och ny exportförfrågan
              </Link>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
