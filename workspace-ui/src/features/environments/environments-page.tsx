import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError } from "../../components/api-error";
import { useTRPC } from "../../lib/trpc";
import { EnvironmentRows, type RowAction } from "./environment-rows";
import { PAGE_SIZES, queryFromSearch, searchFromQuery, TABLE_SORTS, TONES, type TableQuery } from "./table-query";
import { useEnvironmentActions } from "./use-environment-actions";
import { useEnvironmentUpdates } from "./use-environment-updates";

/** Typing in the search box changes the URL (and asks the server) once the typing pauses this long. */
const TYPING_MS = 300;

/**
 * Operators: every environment, a page at a time, filtered and sorted by the server as the URL says (so a
 * link or a reload shows the same), kept current live, with the lifecycle actions one by one or in bulk.
 */
export function EnvironmentsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const [search, setSearch] = useSearchParams();
  const query = queryFromSearch(search);
  const live = useEnvironmentUpdates();
  const list = useQuery({
    ...trpc.environments.list.queryOptions(query),
    placeholderData: keepPreviousData,
    refetchInterval: live === "pending" ? false : 10_000,
  });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const actions = useEnvironmentActions(() => setSelected(new Set()));
  const [text, setText] = useState(query.text);

  const go = (change: Partial<TableQuery>) => {
    // Any change but the page's own starts again at page 1, and a selection made elsewhere is let go.
    setSearch(searchFromQuery({ ...query, page: 1, ...change }), { replace: "text" in change });
    setSelected(new Set());
  };
  useEffect(() => {
    if (text.trim() === query.text.trim()) return;
    const typing = setTimeout(() => go({ text }), TYPING_MS);
    return () => clearTimeout(typing);
    // Only typing starts it: a URL changed by a link keeps what it says.
  }, [text]);

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / query.size)) : 1;
  const chosen = data?.rows.filter((e) => selected.has(e.namespace)) ?? [];
  const choose = (namespaces: string[], on: boolean) =>
    setSelected((before) => {
      const next = new Set(before);
      for (const n of namespaces) {
        if (on) next.add(n);
        else next.delete(n);
      }
      return next;
    });
  const act = ({ kind, environment }: RowAction) =>
    kind === "suspend"
      ? actions.suspend([environment.namespace])
      : kind === "resume"
        ? actions.resume([environment.namespace])
        : actions.teardown(environment.namespace);
  const pausable = chosen.filter((e) => e.desiredState === "active").map((e) => e.namespace);
  const resumable = chosen.filter((e) => e.desiredState === "suspended").map((e) => e.namespace);
  const pageLink = (page: number) => `?${searchFromQuery({ ...query, page }).toString()}`;

  return (
    <>
      <p className={`live ${live === "pending" ? "live-on" : ""}`} role="status">
        {live === "pending"
          ? t("environments.page.live.live")
          : live === "error"
            ? t("environments.page.live.offline")
            : t("environments.page.live.connecting")}
      </p>
      <form className="filters" role="search" onSubmit={(e) => (e.preventDefault(), go({ text }))}>
        <label htmlFor={`${id}-q`}>
          {t("environments.page.search")}
          <input
            id={`${id}-q`}
            type="search"
            value={text}
            maxLength={200}
            placeholder={t("environments.page.searchHint")}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label htmlFor={`${id}-tone`}>
          {t("environments.page.stateFilter")}
          <select
            id={`${id}-tone`}
            value={query.tone ?? "all"}
            onChange={(e) => go({ tone: TONES.find((tone) => tone === e.target.value) })}
          >
            <option value="all">
              {t("environments.page.all")}
              {data ? ` (${data.all})` : ""}
            </option>
            {TONES.map((tone) => (
              <option key={tone} value={tone}>
                {t(`environments.page.tones.${tone}`)}
                {data ? ` (${data.counts[tone]})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-sort`}>
          {t("environments.page.sort")}
          <select
            id={`${id}-sort`}
            value={query.sort}
            onChange={(e) => go({ sort: TABLE_SORTS.find((s) => s === e.target.value) ?? query.sort })}
          >
            {TABLE_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`environments.page.sortBy.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-size`}>
          {t("environments.table.pageSize")}
          <select
            id={`${id}-size`}
            value={query.size}
            onChange={(e) => go({ size: PAGE_SIZES.find((s) => String(s) === e.target.value) ?? query.size })}
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.isPending && <p aria-busy="true">{t("environments.loading")}</p>}
      {list.isError && <ApiError error={list.error} />}
      {data && (
        <>
          <p className="muted" aria-live="polite">
            {t("environments.page.shown", { shown: data.total, total: data.all })}
          </p>
          {actions.error && <ApiError error={actions.error} />}
          <div className="bulk" role="group" aria-label={t("environments.table.bulk")}>
            <span>{t("environments.table.chosen", { count: chosen.length })}</span>
            <button type="button" disabled={pausable.length === 0} onClick={() => actions.suspend(pausable)}>
              {t("environments.table.suspendChosen", { count: pausable.length })}
            </button>
            <button
              type="button"
              disabled={resumable.length === 0 || actions.resuming}
              onClick={() => actions.resume(resumable)}
            >
              {t("environments.table.resumeChosen", { count: resumable.length })}
            </button>
          </div>
          {data.rows.length === 0 ? (
            <p>{data.all === 0 ? t("environments.none") : t("environments.page.noMatch")}</p>
          ) : (
            <EnvironmentRows
              rows={data.rows}
              onAction={act}
              selected={selected}
              onSelect={choose}
              busy={actions.resuming}
            />
          )}
          <nav className="pager" aria-label={t("environments.table.pages")}>
            {query.page > 1 ? (
              <Link to={pageLink(query.page - 1)} rel="prev">
                {t("environments.table.previous")}
              </Link>
            ) : (
              <span className="muted">{t("environments.table.previous")}</span>
            )}
            <span>{t("environments.table.pageOf", { page: query.page, pages })}</span>
            {query.page < pages ? (
              <Link to={pageLink(query.page + 1)} rel="next">
                {t("environments.table.next")}
              </Link>
            ) : (
              <span className="muted">{t("environments.table.next")}</span>
            )}
          </nav>
        </>
      )}
      {actions.dialogs}
    </>
  );
}
