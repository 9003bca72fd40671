import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatAge, formatDate } from "../../lib/format";
import { ConditionList } from "./condition-list";
import { daysUntil, hoursSince, filterEnvironments, SORTS, TONES, type EnvironmentFilter } from "./environment-filter";
import { StateBadge } from "./state-badge";
import { SuspendDialog } from "./suspend-dialog";
import { TeardownDialog } from "./teardown-dialog";
import { useLiveEnvironments } from "./use-live-environments";

type Dialog = { kind: "suspend" | "teardown"; namespace: string };

/** Operators: every environment, found by filter and sort, kept current live, with the lifecycle actions. */
export function EnvironmentsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const { list, live } = useLiveEnvironments();
  const resume = useMutation(trpc.environments.resume.mutationOptions());
  const [filter, setFilter] = useState<EnvironmentFilter>({ text: "", tone: "all", sort: "newest" });
  const [dialog, setDialog] = useState<Dialog>();
  const now = new Date();

  if (list.isPending) return <p aria-busy="true">{t("environments.loading")}</p>;
  if (list.isError) return <ApiError error={list.error} />;
  const all = list.data;
  const shown = filterEnvironments(all, filter);
  return (
    <>
      <p className={`live ${live === "pending" ? "live-on" : ""}`} role="status">
        {live === "pending"
          ? t("environments.page.live.live")
          : live === "error"
            ? t("environments.page.live.offline")
            : t("environments.page.live.connecting")}
      </p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={`${id}-q`}>
          {t("environments.page.search")}
          <input
            id={`${id}-q`}
            type="search"
            value={filter.text}
            placeholder={t("environments.page.searchHint")}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
          />
        </label>
        <label htmlFor={`${id}-tone`}>
          {t("environments.page.stateFilter")}
          <select
            id={`${id}-tone`}
            value={filter.tone}
            onChange={(e) => setFilter({ ...filter, tone: TONES.find((tone) => tone === e.target.value) ?? "all" })}
          >
            <option value="all">{t("environments.page.all")}</option>
            {TONES.map((tone) => (
              <option key={tone} value={tone}>
                {t(`environments.page.tones.${tone}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-sort`}>
          {t("environments.page.sort")}
          <select
            id={`${id}-sort`}
            value={filter.sort}
            onChange={(e) => setFilter({ ...filter, sort: SORTS.find((s) => s === e.target.value) ?? filter.sort })}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`environments.page.sortBy.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="muted" aria-live="polite">
        {t("environments.page.shown", { shown: shown.length, total: all.length })}
      </p>
      {resume.error && <ApiError error={resume.error} />}
      {shown.length === 0 ? (
        <p>{all.length === 0 ? t("environments.none") : t("environments.page.noMatch")}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t("environments.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("environments.permit")}</th>
                <th scope="col">{t("environments.state")}</th>
                <th scope="col">{t("environments.page.age")}</th>
                <th scope="col">{t("environments.page.expires")}</th>
                <th scope="col">{t("environments.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const left = daysUntil(e.validUntil, now);
                return (
                  <tr key={e.namespace}>
                    <th scope="row">
                      {e.permitId}
                      <br />
                      <code className="muted small">{e.namespace}</code>
                      {e.purpose && <div className="small">{e.purpose}</div>}
                    </th>
                    <td>
                      <StateBadge environment={e} />
                      <ConditionList conditions={e.conditions} />
                    </td>
                    <td>
                      <span title={formatDate(e.createdAt)}>{formatAge(hoursSince(e.createdAt, now), t)}</span>
                    </td>
                    <td>
                      {formatDate(e.validUntil)}
                      <div className="small muted">
                        {left < 0 ? t("environments.page.expired") : t("environments.page.expiresIn", { count: left })}
                      </div>
                    </td>
                    <td>
                      <div className="actions">
                        {e.desiredState === "active" && (
                          <button
                            type="button"
                            onClick={() => setDialog({ kind: "suspend", namespace: e.namespace })}
                            aria-label={`${t("environments.suspend")} ${e.permitId}`}
                          >
                            {t("environments.suspend")}
                          </button>
                        )}
                        {e.desiredState === "suspended" && (
                          <button
                            type="button"
                            disabled={resume.isPending}
                            onClick={() => resume.mutate({ namespace: e.namespace })}
                            aria-label={`${t("environments.resume")} ${e.permitId}`}
                          >
                            {t("environments.resume")}
                          </button>
                        )}
                        {e.desiredState !== "torn-down" && (
                          <>
                            <Link
                              className="button secondary-link"
                              to="/operator/permits"
                              title={t("environments.page.extendHint")}
                            >
                              {t("environments.page.extend")}
                            </Link>
                            <button
                              type="button"
                              className="danger"
                              onClick={() => setDialog({ kind: "teardown", namespace: e.namespace })}
                              aria-label={`${t("environments.teardown")} ${e.permitId}`}
                            >
                              {t("environments.teardown")}
                            </button>
                          </>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === "suspend" && (
        <SuspendDialog namespace={dialog.namespace} onClose={() => setDialog(undefined)} />
      )}
      {dialog?.kind === "teardown" && (
        <TeardownDialog namespace={dialog.namespace} onClose={() => setDialog(undefined)} />
      )}
    </>
  );
}
