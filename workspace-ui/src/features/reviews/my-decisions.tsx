import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../components/api-error";
import { DecisionBadge } from "../../components/request-state-badge";
import { TableScroll } from "../../components/table-scroll";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";

/** A checker's own past votes, newest first, a page at a time. */
export function MyDecisions() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const [page, setPage] = useState(0);
  const history = useQuery({ ...trpc.reviews.history.queryOptions({ page }), placeholderData: keepPreviousData });
  if (history.isPending) return <p aria-busy="true">{t("reviews.history.loading")}</p>;
  if (history.isError) return <ApiError error={history.error} lead={t("reviews.history.failed")} />;
  const { votes, more } = history.data;
  if (votes.length === 0 && page === 0) return <p>{t("reviews.history.none")}</p>;
  return (
    <>
      <TableScroll label={t("reviews.history.caption", { page: page + 1 })}>
        <table className="table">
          <caption className="visually-hidden">{t("reviews.history.caption", { page: page + 1 })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("reviews.history.when")}</th>
              <th scope="col">{t("reviews.queue.request")}</th>
              <th scope="col">{t("reviews.history.file")}</th>
              <th scope="col">{t("reviews.history.vote")}</th>
              <th scope="col">{t("reviews.history.now")}</th>
            </tr>
          </thead>
          <tbody>
            {votes.map((v) => (
              <tr key={`${v.requestId}/${v.path}@${v.version}`}>
                <td>{formatMoment(v.castAt)}</td>
                <td>
                  <Link to={`/reviews/${v.requestId}`}>
                    <bdi>{v.title}</bdi>
                  </Link>
                </td>
                <td>
                  <code>
                    <bdi>{v.path}</bdi>
                  </code>{" "}
                  <span className="muted small">{t("reviews.history.version", { version: v.version })}</span>
                </td>
                <td>
                  {t(`airlock.vote.${v.vote}.chosen`)}
                  {v.comment && (
                    <>
                      <br />
                      <bdi className="muted small">{v.comment}</bdi>
                    </>
                  )}
                </td>
                <td>
                  <DecisionBadge decision={v.fileDecision} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <nav aria-label={t("reviews.history.pages")} className="pager">
        <button type="button" className="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
          {t("reviews.history.newer")}
        </button>{" "}
        <span>{t("reviews.history.page", { page: page + 1 })}</span>{" "}
        <button type="button" className="secondary" disabled={!more} onClick={() => setPage(page + 1)}>
          {t("reviews.history.older")}
        </button>
      </nav>
    </>
  );
}
