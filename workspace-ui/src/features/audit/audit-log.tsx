import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../lib/trpc";
import { ChainStatus } from "./chain-status";
import { EvidenceLinks } from "./evidence-links";

const timeFormat = new Intl.DateTimeFormat("sv-SE", { dateStyle: "short", timeStyle: "medium" });

/** Auditors: the chain's state and a search over the log, newest first. */
export function AuditLog() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState({ action: "", target: "" });
  const [applied, setApplied] = useState(filter);
  const search = { limit: 50, ...(applied.action && { action: applied.action }), ...(applied.target && { target: applied.target }) };
  const events = useQuery({ ...trpc.audit.events.queryOptions(search), refetchInterval: 5000 });
  return (
    <>
      <ChainStatus />
      <EvidenceLinks />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter);
        }}
      >
        <label>
          Händelse
          <input value={filter.action} placeholder="environment.*" onChange={(e) => setFilter({ ...filter, action: e.target.value })} />
        </label>
        <label>
          Gäller
          <input value={filter.target} placeholder="permit:SE-*" onChange={(e) => setFilter({ ...filter, target: e.target.value })} />
        </label>
        <button type="submit">Sök</button>
      </form>
      {events.isPending && <p aria-busy="true">Hämtar händelser…</p>}
      {events.isError && <p role="alert">{events.error.message}</p>}
      {events.data && (
        <table className="table">
          <caption className="visually-hidden">Granskningslogg</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Tid</th>
              <th scope="col">Vem</th>
              <th scope="col">Händelse</th>
              <th scope="col">Gäller</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.sequence}>
                <td>{e.sequence}</td>
                <td>{timeFormat.format(new Date(e.time))}</td>
                <td>
                  {e.actor.subject} <span className="muted">({e.actor.role})</span>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <code>{e.target}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
