import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatAge, formatMoment } from "../../lib/format";
import { RequestStateBadge } from "../../components/request-state-badge";
import { TableScroll } from "../../components/table-scroll";

/** Requests awaiting my vote, oldest first: the longest wait is at the top. */
export function ReviewQueue() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queue = useQuery({ ...trpc.reviews.queue.queryOptions(), refetchInterval: 10_000 });
  if (queue.isPending) return <p aria-busy="true">{t("reviews.queue.loading")}</p>;
  if (queue.isError) return <ApiError error={queue.error} lead={t("reviews.queue.failed")} />;
  if (queue.data.length === 0) return <p>{t("reviews.queue.none")}</p>;
  return (
    <TableScroll label={t("reviews.queue.caption")}>
      <table className="table">
        <caption className="visually-hidden">{t("reviews.queue.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reviews.queue.request")}</th>
            <th scope="col">{t("reviews.queue.waited")}</th>
            <th scope="col">{t("reviews.queue.toReview")}</th>
            <th scope="col">{t("reviews.queue.automatic")}</th>
          </tr>
        </thead>
        <tbody>
          {queue.data.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/reviews/${r.id}`}>
                  <bdi>{r.title}</bdi>
                </Link>{" "}
                <RequestStateBadge state={r.state} />
                <br />
                <code className="muted small">{r.namespace}</code>
              </td>
              <td>
                <span title={t("reviews.queue.submitted", { when: formatMoment(r.submittedAt) })}>
                  {formatAge(r.ageHours, t)}
                </span>
              </td>
              <td>
                {r.requesterRemoved ? (
                  <span className="state state-problem">{t("airlock.requesterRemoved")}</span>
                ) : (
                  t("reviews.queue.of", { count: r.awaitingMe, total: r.files })
                )}
              </td>
              <td>
                {r.failedChecks > 0 ? (
                  <span className="state state-problem">
                    <span aria-hidden="true">✗ </span>
                    {t("reviews.queue.failedFiles", { count: r.failedChecks })}
                  </span>
                ) : (
                  <span className="muted">{t("reviews.queue.noFailed")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
