import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import type { QueueEntry } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { formatAge, formatMoment } from "../../lib/format";
import { RequestStateBadge } from "../../components/request-state-badge";
import { TableScroll } from "../../components/table-scroll";
import { ClaimButton, ClaimsSaid } from "./claim-button";

const ORDERS = ["oldest", "permit", "state"] as const;
type Order = (typeof ORDERS)[number];

/** The queue in the chosen order; ties stay oldest first, so the longest wait leads within a permit or state. */
const SORTS: Record<Order, (a: QueueEntry, b: QueueEntry) => number> = {
  oldest: () => 0,
  permit: (a, b) => a.permitId.localeCompare(b.permitId),
  state: (a, b) => a.state.localeCompare(b.state),
};

/** Requests awaiting my vote, oldest first unless the checker picks another order. */
export function ReviewQueue() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const orderId = useId();
  const [order, setOrder] = useState<Order>("oldest");
  const queue = useQuery({ ...trpc.reviews.queue.queryOptions(), refetchInterval: 10_000 });
  if (queue.isPending) return <p aria-busy="true">{t("reviews.queue.loading")}</p>;
  if (queue.isError) return <ApiError error={queue.error} lead={t("reviews.queue.failed")} />;
  const history = (
    <p>
      <Link to="/reviews/history">{t("reviews.history.link")}</Link>
    </p>
  );
  if (queue.data.length === 0)
    return (
      <>
        <p>{t("reviews.queue.none")}</p>
        {history}
      </>
    );
  // The server sends them oldest first; a stable sort keeps that order within equal keys.
  const entries = [...queue.data].sort(SORTS[order]);
  return (
    <>
      <p>
        <label htmlFor={orderId}>{t("reviews.queue.order")}</label>{" "}
        <select id={orderId} value={order} onChange={(e) => setOrder(e.target.value as Order)}>
          {ORDERS.map((o) => (
            <option key={o} value={o}>
              {t(`reviews.queue.orders.${o}`)}
            </option>
          ))}
        </select>
      </p>
      <TableScroll label={t("reviews.queue.caption")}>
        <table className="table">
          <caption className="visually-hidden">{t(`reviews.queue.captions.${order}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t("reviews.queue.request")}</th>
              <th scope="col">{t("reviews.queue.waited")}</th>
              <th scope="col">{t("reviews.queue.toReview")}</th>
              <th scope="col">{t("reviews.queue.automatic")}</th>
              <th scope="col">{t("reviews.queue.taken")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/reviews/${r.id}`}>
                    <bdi>{r.title}</bdi>
                  </Link>{" "}
                  <RequestStateBadge state={r.state} />
                  <br />
                  <code className="muted small">{r.namespace}</code>{" "}
                  <span className="muted small">{t("reviews.request.permitNote", { permitId: r.permitId })}</span>
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
                <td>
                  <ClaimsSaid claims={r.claims} claimedByMe={r.claimedByMe} required={r.reviewersRequired} />{" "}
                  <ClaimButton id={r.id} title={r.title} claimedByMe={r.claimedByMe} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {history}
    </>
  );
}
