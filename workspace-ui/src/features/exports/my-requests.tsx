import { useQuery } from "@tanstack/react-query";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatMoment } from "../../lib/format";
import { RequestStateBadge } from "../../components/request-state-badge";
import { TableScroll } from "../../components/table-scroll";

/** Every export request of the permits that name me, newest first, with its state in words. */
export function MyRequests() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.exports.list.queryOptions(), refetchInterval: 10_000 });
  if (list.isPending) return <p aria-busy="true">{t("exports.list.loading")}</p>;
  if (list.isError) return <ApiError error={list.error} lead={t("exports.list.failed")} />;
  if (list.data.length === 0) return <p>{t("exports.list.none")}</p>;
  return (
    <TableScroll label={t("exports.list.caption")}>
      <table className="table">
        <caption className="visually-hidden">{t("exports.list.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("exports.list.title")}</th>
            <th scope="col">{t("exports.list.state")}</th>
            <th scope="col">{t("exports.list.files")}</th>
            <th scope="col">{t("exports.list.permit")}</th>
            <th scope="col">{t("exports.list.created")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/exports/${r.id}`}>
                  <bdi>{r.title}</bdi>
                </Link>
                {r.requester && (
                  <span className="muted small">
                    <Trans i18nKey="exports.list.by" values={{ who: r.requester }} components={{ bdi: <bdi /> }} />
                  </span>
                )}
              </td>
              <td>
                <RequestStateBadge state={r.state} />
                {r.requesterRemoved && (
                  <>
                    <br />
                    <span className="muted small">{t("airlock.requesterRemoved")}</span>
                  </>
                )}
              </td>
              <td>{r.files}</td>
              <td>{r.permitId}</td>
              <td>{formatMoment(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
