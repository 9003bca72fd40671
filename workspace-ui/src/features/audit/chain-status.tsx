import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../lib/trpc";

/** Whether the audit log's hash chain is intact: the first thing a supervisor wants to know. */
export function ChainStatus() {
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.verify.queryOptions());
  if (verify.isPending) return <p aria-busy="true">Kontrollerar kedjan…</p>;
  if (verify.isError) return <p role="alert">Kedjan kunde inte kontrolleras: {verify.error.message}</p>;
  const result = verify.data;
  return result.intact ? (
    <p className="state state-ok">Kedjan är obruten: {result.events} händelser</p>
  ) : (
    <p className="state state-problem" role="alert">
      Kedjan är bruten vid händelse {result.brokenAt}: {result.problem}
    </p>
  );
}
