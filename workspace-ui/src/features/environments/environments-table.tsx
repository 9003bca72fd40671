import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../lib/trpc";
import { formatDate, type EnvironmentSummary } from "./environment-state";
import { StateBadge } from "./state-badge";
import { TeardownDialog } from "./teardown-dialog";

/** Operators: every environment, its state, and what they may do with it. */
export function EnvironmentsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery({ ...trpc.environments.list.queryOptions(), refetchInterval: 3000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
  const suspend = useMutation(trpc.environments.suspend.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.environments.resume.mutationOptions({ onSuccess: refresh }));
  const [tearingDown, setTearingDown] = useState<string | undefined>();

  if (list.isPending) return <p aria-busy="true">Hämtar miljöer…</p>;
  if (list.isError) return <p role="alert">Miljöerna kunde inte hämtas: {list.error.message}</p>;
  const environments = list.data as unknown as EnvironmentSummary[];
  if (environments.length === 0) return <p>Inga miljöer ännu.</p>;
  const error = suspend.error ?? resume.error;
  return (
    <>
      {error && <p role="alert">{error.message}</p>}
      <table className="table">
        <caption className="visually-hidden">Behandlingsmiljöer</caption>
        <thead>
          <tr>
            <th scope="col">Beslut</th>
            <th scope="col">Läge</th>
            <th scope="col">Skapad</th>
            <th scope="col">Giltig till</th>
            <th scope="col">Åtgärder</th>
          </tr>
        </thead>
        <tbody>
          {environments.map((e) => (
            <tr key={e.namespace}>
              <td>
                {e.permitId}
                <br />
                <code className="muted">{e.namespace}</code>
              </td>
              <td>
                <StateBadge environment={e} />
              </td>
              <td>{formatDate(e.createdAt)}</td>
              <td>{formatDate(e.validUntil)}</td>
              <td className="actions">
                {e.desiredState === "active" && (
                  <button type="button" onClick={() => suspend.mutate({ namespace: e.namespace })}>Pausa</button>
                )}
                {e.desiredState === "suspended" && (
                  <button type="button" onClick={() => resume.mutate({ namespace: e.namespace })}>Återuppta</button>
                )}
                {e.desiredState !== "torn-down" && (
                  <button type="button" className="danger" onClick={() => setTearingDown(e.namespace)}>Avveckla…</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tearingDown && <TeardownDialog namespace={tearingDown} onClose={() => { setTearingDown(undefined); void refresh(); }} />}
    </>
  );
}
