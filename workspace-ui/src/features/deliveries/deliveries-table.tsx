import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatBytes, formatCount, formatMoment } from "../../lib/format";
import { deliveryProgress } from "./delivery-progress";
import { TableScroll } from "../../components/table-scroll";

const TONE = { receiving: "working", staged: "ok", rejected: "problem", failed: "problem" } as const;

/** Data holders' deliveries, newest first: state, rows, size and how far each got. Counts only, never values. */
export function DeliveriesTable() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  // A delivery moves in seconds; while one is still being received, look again soon.
  const list = useQuery({
    ...trpc.deliveries.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((d) => d.state === "receiving") ? 2000 : 15_000),
  });
  if (list.isPending) return <p aria-busy="true">{t("deliveries.loading")}</p>;
  if (list.isError) return <ApiError error={list.error} lead={t("deliveries.failed")} />;
  if (list.data.length === 0) return <p>{t("deliveries.none")}</p>;
  return (
    <TableScroll label={t("deliveries.caption")}>
      <table className="table">
        <caption className="visually-hidden">{t("deliveries.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("deliveries.dataset")}</th>
            <th scope="col">{t("deliveries.environment")}</th>
            <th scope="col">{t("deliveries.from")}</th>
            <th scope="col">{t("deliveries.state")}</th>
            <th scope="col" className="num">
              {t("deliveries.rows")}
            </th>
            <th scope="col" className="num">
              {t("deliveries.size")}
            </th>
            <th scope="col">{t("deliveries.progress")}</th>
            <th scope="col">{t("deliveries.started")}</th>
            <th scope="col">{t("deliveries.finished")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((d) => {
            const dataset = `${d.datasetId}@${d.datasetVersion}`;
            const progress = deliveryProgress(d);
            return (
              <tr key={d.id}>
                <th scope="row">
                  <code>{dataset}</code>
                </th>
                <td>
                  {d.permitId}
                  <br />
                  <code className="muted small">{d.namespace}</code>
                </td>
                <td>
                  <code>{d.deliveredBy}</code>
                </td>
                <td>
                  <span className={`state state-${TONE[d.state]}`}>{t(`deliveries.states.${d.state}`)}</span>
                  {d.findings !== null && (
                    <div className="small">{t("deliveries.findings", { count: d.findings })}</div>
                  )}
                  {d.error && d.findings === null && (
                    <div className="small muted" lang="en">
                      {d.error}
                    </div>
                  )}
                </td>
                <td className="num">{formatCount(d.rows)}</td>
                <td className="num">{formatBytes(d.bytes)}</td>
                <td>
                  <progress
                    value={progress.step}
                    max={progress.of}
                    aria-label={t("deliveries.progressOf", { dataset })}
                  />
                  <div className="small">{t(`deliveries.steps.${d.state}`)}</div>
                </td>
                <td>{formatMoment(d.createdAt)}</td>
                <td>{formatMoment(d.finishedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
