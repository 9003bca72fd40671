import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatAge, formatDate, formatMoment } from "../../lib/format";
import { ConditionList } from "./condition-list";
import type { EnvironmentSummary } from "./environment-state";
import { StateBadge } from "./state-badge";
import { daysUntil, hoursSince } from "./table-query";
import { TableScroll } from "../../components/table-scroll";
import { useSpent } from "./environment-cost";

export type RowAction = { kind: "suspend" | "resume" | "teardown"; environment: EnvironmentSummary };

/**
 * One compact line per environment: permit (a link to its page), state with its conditions behind an expander,
 * how long it has been in that state, when it expires, and what an operator may do with it. With `selected`,
 * each row can be chosen for a bulk action.
 */
export function EnvironmentRows({
  rows,
  onAction,
  selected,
  onSelect,
  busy,
}: {
  rows: EnvironmentSummary[];
  onAction: (action: RowAction) => void;
  selected?: ReadonlySet<string>;
  onSelect?: (namespaces: string[], chosen: boolean) => void;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  const now = new Date();
  const selecting = selected && onSelect;
  const allChosen = selecting && rows.length > 0 && rows.every((e) => selected.has(e.namespace));
  // Without a price list the installation shows no costs, and the table no column for them.
  const spentOn = useSpent(rows.map((r) => r.namespace));
  return (
    <TableScroll label={t("environments.caption")}>
      <table className="table env-table">
        <caption className="visually-hidden">{t("environments.caption")}</caption>
        <thead>
          <tr>
            {selecting && (
              <th scope="col" className="pick">
                <input
                  type="checkbox"
                  aria-label={t("environments.table.chooseAll")}
                  checked={allChosen}
                  onChange={(e) =>
                    onSelect(
                      rows.map((r) => r.namespace),
                      e.target.checked,
                    )
                  }
                />
              </th>
            )}
            <th scope="col">{t("environments.permit")}</th>
            <th scope="col">{t("environments.state")}</th>
            <th scope="col">{t("environments.table.since")}</th>
            <th scope="col">{t("environments.page.expires")}</th>
            {spentOn && (
              <th scope="col" className="num">
                {t("costs.column")}
              </th>
            )}
            <th scope="col">{t("environments.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const left = daysUntil(e.validUntil, now);
            return (
              <tr key={e.namespace}>
                {selecting && (
                  <td className="pick">
                    <input
                      type="checkbox"
                      aria-label={t("environments.table.choose", { permitId: e.permitId })}
                      checked={selected.has(e.namespace)}
                      onChange={(event) => onSelect([e.namespace], event.target.checked)}
                    />
                  </td>
                )}
                <th scope="row">
                  <Link to={`/operator/environments/${e.namespace}`}>{e.permitId}</Link>{" "}
                  <code className="muted small">{e.namespace}</code>
                  {e.purpose && (
                    <div className="small muted clip">
                      <bdi>{e.purpose}</bdi>
                    </div>
                  )}
                </th>
                <td>
                  <StateBadge environment={e} />
                  {e.conditions.length > 0 && (
                    <details className="conditions-expander">
                      <summary>{t("environments.table.conditions", { count: e.conditions.length })}</summary>
                      <ConditionList conditions={e.conditions} />
                    </details>
                  )}
                </td>
                <td>
                  <span title={formatMoment(e.stateSince)}>{formatAge(hoursSince(e.stateSince, now), t)}</span>
                </td>
                <td>
                  {formatDate(e.validUntil)}
                  <span className="small muted">
                    {" "}
                    {left < 0 ? t("environments.page.expired") : t("environments.page.expiresIn", { count: left })}
                  </span>
                </td>
                {spentOn && <td className="num">{spentOn(e.namespace)}</td>}
                <td>
                  <div className="actions">
                    {/* Pause and resume share one button, so that focus stays on it when the one becomes the other. */}
                    {(e.desiredState === "active" || e.desiredState === "suspended") && (
                      <button
                        type="button"
                        disabled={e.desiredState === "suspended" && busy}
                        onClick={() =>
                          onAction({ kind: e.desiredState === "active" ? "suspend" : "resume", environment: e })
                        }
                        aria-label={`${t(e.desiredState === "active" ? "environments.suspend" : "environments.resume")} ${e.permitId}`}
                      >
                        {t(e.desiredState === "active" ? "environments.suspend" : "environments.resume")}
                      </button>
                    )}
                    {e.desiredState !== "torn-down" && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => onAction({ kind: "teardown", environment: e })}
                        aria-label={`${t("environments.teardown")} ${e.permitId}`}
                      >
                        {t("environments.teardown")}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
