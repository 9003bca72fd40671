import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { intlLocale } from "../../lib/i18n";
import { useTRPC } from "../../lib/trpc";
import { ChainStatus } from "./chain-status";
import { EvidenceLinks } from "./evidence-links";

/** Auditors: the chain's state and a search over the log, newest first. */
export function AuditLog() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const timeFormat = new Intl.DateTimeFormat(intlLocale(), { dateStyle: "short", timeStyle: "medium" });
  const [filter, setFilter] = useState({ action: "", target: "" });
  const [applied, setApplied] = useState(filter);
  const search = {
    limit: 50,
    ...(applied.action && { action: applied.action }),
    ...(applied.target && { target: applied.target }),
  };
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
          {t("audit.search.action")}
          <input
            value={filter.action}
            placeholder="environment.*"
            onChange={(e) => setFilter({ ...filter, action: e.target.value })}
          />
        </label>
        <label>
          {t("audit.search.target")}
          <input
            value={filter.target}
            placeholder="permit:SE-*"
            onChange={(e) => setFilter({ ...filter, target: e.target.value })}
          />
        </label>
        <button type="submit">{t("audit.search.submit")}</button>
      </form>
      {events.isPending && <p aria-busy="true">{t("audit.search.loading")}</p>}
      {events.isError && <p role="alert">{events.error.message}</p>}
      {events.data && (
        <table className="table">
          <caption className="visually-hidden">{t("audit.search.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("audit.search.time")}</th>
              <th scope="col">{t("audit.search.who")}</th>
              <th scope="col">{t("audit.search.action")}</th>
              <th scope="col">{t("audit.search.target")}</th>
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
