import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { NewExportRequest } from "../../features/exports/new-export-request";
import { RequireRole } from "../../features/session/require-role";

/** An environment's outbox and a new export request from it. */
export default function Outbox() {
  const { namespace = "" } = useParams();
  return (
    <RequireRole role="researcher">
      <nav aria-label="Brödsmulor" className="crumbs">
        <Link to="/">Mina miljöer</Link> › <Link to="/exports">Mina exportförfrågningar</Link>
      </nav>
      <h1>Ny exportförfrågan</h1>
      <EnvironmentLine namespace={namespace} />
      <NewExportRequest namespace={namespace} />
    </RequireRole>
  );
}

function EnvironmentLine({ namespace }: { namespace: string }) {
  const trpc = useTRPC();
  const mine = useQuery(trpc.environments.mine.queryOptions());
  const environment = mine.data?.find((e) => e.namespace === namespace);
  return (
    <p className="muted">
      Från utkorgen i {environment?.purpose ? <strong>{environment.purpose}</strong> : null} <code>{namespace}</code>
      {environment && ` (beslut ${environment.permitId})`}. Filerna kopieras när du skickar in; senare ändringar i utkorgen påverkar inte förfrågan.
    </p>
  );
}
