import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError } from "../../components/api-error";
import { TableScroll } from "../../components/table-scroll";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { filterOf, searchFromTrail, trailFromSearch, type TrailQuery } from "./audit-filter";
import { ACTION_DOMAINS, actionWords, roleWords, targetWords } from "./audit-words";

const PAGE = 50;

/**
 * Auditors: the whole log, a page at a time by sequence (older and newer), filtered by the server as the
 * address says, with each event's page a click away and the matching events exportable for `spe audit verify`.
 */
export function AuditTrail({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const [search, setSearch] = useSearchParams();
  const query = trailFromSearch(search);
  const [form, setForm] = useState(query);
  const filter = filterOf(query);
  const page = useQuery({
    ...trpc.audit.page.queryOptions({ ...filter, before: query.before, after: query.after, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const go = (next: TrailQuery) => setSearch(searchFromTrail(next));
  const field = (name: "person" | "environment" | "permit" | "text", label: string) => (
    <label htmlFor={`${id}-${name}`}>
      {label}
      <input id={`${id}-${name}`} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </label>
  );
  const events = page.data?.events ?? [];
  const exportQuery = new URLSearchParams(filter).toString();
  return (
    <>
      <form
        className="filters"
        role="search"
        aria-label={t("audit.trail.filter")}
        onSubmit={(e) => {
          e.preventDefault();
          go({ ...form, before: undefined, after: undefined });
        }}
      >
        {field("person", t("audit.trail.person"))}
        {field("environment", t("audit.trail.environment"))}
        {field("permit", t("audit.trail.permit"))}
        <label htmlFor={`${id}-action`}>
          {t("audit.trail.kind")}
          <select
            id={`${id}-action`}
            value={form.action}
            onChange={(e) => setForm({ ...form, action: e.target.value })}
          >
            <option value="">{t("audit.trail.anyKind")}</option>
            {ACTION_DOMAINS.map((domain) => (
              <option key={domain} value={`${domain}.*`}>
                {t(`audit.domains.${domain}`)}
              </option>
            ))}
          </select>
        </label>
        {field("text", t("audit.trail.text"))}
        <label htmlFor={`${id}-from`}>
          {t("audit.trail.from")}
          <input
            id={`${id}-from`}
            type="date"
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </label>
        <label htmlFor={`${id}-to`}>
          {t("audit.trail.to")}
          <input
            id={`${id}-to`}
            type="date"
            value={form.to}
            onChange={(e) => setForm({ ...form, to: e.target.value })}
          />
        </label>
        <button type="submit">{t("audit.trail.show")}</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const empty = trailFromSearch(new URLSearchParams());
            setForm(empty);
            go(empty);
          }}
        >
          {t("audit.trail.clear")}
        </button>
      </form>
      {page.isPending && <p aria-busy="true">{t("audit.trail.loading")}</p>}
      {page.isError && <ApiError error={page.error} />}
      {page.data && events.length === 0 && <p>{t("audit.trail.none")}</p>}
      {events.length > 0 && (
        <>
          <p role="status">{t("audit.trail.range", { first: events.at(-1)!.sequence, last: events[0]!.sequence })}</p>
          <TableScroll label={t("audit.trail.caption", { zone: timeZone })}>
            <table className="table">
              <caption>{t("audit.trail.caption", { zone: timeZone })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("audit.trail.sequence")}</th>
                  <th scope="col">{t("audit.trail.time")}</th>
                  <th scope="col">{t("audit.trail.who")}</th>
                  <th scope="col">{t("audit.trail.event")}</th>
                  <th scope="col">{t("audit.trail.concerns")}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.sequence}>
                    <td>
                      <Link to={`/audit/events/${e.sequence}`}>{e.sequence}</Link>
                    </td>
                    <td>{formatMoment(e.time)}</td>
                    <td>
                      <bdi>{e.actor.role === "system" ? roleWords("system", t) : e.actor.subject}</bdi>{" "}
                      {e.actor.role !== "system" && <span className="muted">({roleWords(e.actor.role, t)})</span>}
                    </td>
                    <td>{actionWords(e.action, t)}</td>
                    <td>
                      <bdi>{targetWords(e.target, t)}</bdi>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
      <nav className="pager" aria-label={t("audit.trail.title")}>
        {page.data?.newer && (
          <>
            <Link to={`?${searchFromTrail({ ...query, before: undefined, after: undefined })}`}>
              {t("audit.trail.newest")}
            </Link>{" "}
            <Link to={`?${searchFromTrail({ ...query, before: undefined, after: events[0]?.sequence })}`}>
              {t("audit.trail.newer")}
            </Link>{" "}
          </>
        )}
        {page.data?.older && (
          <Link to={`?${searchFromTrail({ ...query, after: undefined, before: events.at(-1)?.sequence })}`}>
            {t("audit.trail.older")}
          </Link>
        )}
      </nav>
      <p>
        {t("audit.trail.exportAs")} <a href={`/audit/export.jsonl?${exportQuery}`}>{t("audit.trail.jsonl")}</a> ·{" "}
        <a href={`/audit/export.csv?${exportQuery}`}>{t("audit.trail.csv")}</a>
      </p>
      <p className="muted">
        <Trans i18nKey="audit.trail.exportAbout" components={{ code: <code /> }} />
      </p>
    </>
  );
}
