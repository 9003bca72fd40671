import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { formatCount, formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { TableScroll } from "../../components/table-scroll";

/**
 * The notification outbox for operators: how much waits, was sent and was given up, and each e-mail or webhook
 * that failed at least once, with the reason and the next attempt. Addresses and webhook names, never a message.
 */
export function UndeliveredNotifications() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const outbox = useQuery({ ...trpc.notifications.undelivered.queryOptions(), refetchInterval: 30_000 });
  if (outbox.isPending) return <p aria-busy="true">{t("notifications.loading")}</p>;
  if (outbox.isError) return <ApiError error={outbox.error} lead={t("notifications.failed")} />;
  const { counts, deliveries } = outbox.data;
  return (
    <section aria-labelledby="notifications-h">
      <h3 id="notifications-h">{t("notifications.title")}</h3>
      <p className="small">
        {t("notifications.counts", {
          sent: formatCount(counts.sent),
          pending: formatCount(counts.pending),
          failed: formatCount(counts.failed),
        })}
      </p>
      {deliveries.length === 0 ? (
        <p className="small muted">{t("notifications.none")}</p>
      ) : (
        <TableScroll label={t("notifications.caption")}>
          <table className="table">
            <caption className="visually-hidden">{t("notifications.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("notifications.what")}</th>
                <th scope="col">{t("notifications.to")}</th>
                <th scope="col">{t("notifications.state")}</th>
                <th scope="col">{t("notifications.why")}</th>
                <th scope="col">{t("notifications.next")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    {t(`notifications.kinds.${d.kind}`)}
                    <div className="small muted">{d.permitId}</div>
                  </th>
                  <td>
                    {t(`notifications.channels.${d.channel}`)}: <code>{d.recipient}</code>
                  </td>
                  <td>
                    <span className={`state state-${d.state === "failed" ? "problem" : "working"}`}>
                      {t(`notifications.states.${d.state}`, { count: d.attempts })}
                    </span>
                  </td>
                  <td className="small" lang="en">
                    {d.lastError}
                  </td>
                  <td>{formatMoment(d.nextAttemptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
