import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../lib/trpc";

export function SystemStatus() {
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  if (status.isPending) return <p aria-busy="true">Hämtar status…</p>;
  if (status.isError) return <p role="alert">Status kunde inte hämtas: {status.error.message}</p>;
  return (
    <dl className="facts">
      <dt>Kubernetes</dt>
      <dd>
        {status.data.kubernetes.version} · <code>{status.data.kubernetes.server}</code>
      </dd>
      <dt>Databas</dt>
      <dd>{status.data.database.kind === "pglite" ? "Inbäddad (PGlite)" : "PostgreSQL"}</dd>
    </dl>
  );
}
