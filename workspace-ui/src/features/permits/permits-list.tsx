import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatDate, formatMoment } from "../../lib/format";
import { TableScroll } from "../../components/table-scroll";

/** Every permit received, with its version, validity, principal investigator and environment. */
export function PermitsList() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const permits = useQuery(trpc.permits.list.queryOptions());
  if (permits.isPending) return <p aria-busy="true">{t("permits.list.loading")}</p>;
  if (permits.isError) return <ApiError error={permits.error} lead={t("permits.list.failed")} />;
  if (permits.data.length === 0) return <p>{t("permits.list.none")}</p>;
  return (
    <TableScroll label={t("permits.list.caption")}>
      <table className="table">
        <caption className="visually-hidden">{t("permits.list.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("permits.list.permit")}</th>
            <th scope="col">{t("permits.list.status")}</th>
            <th scope="col">{t("permits.list.investigator")}</th>
            <th scope="col">{t("permits.list.validity")}</th>
            <th scope="col">{t("permits.list.received")}</th>
            <th scope="col">{t("permits.list.environment")}</th>
          </tr>
        </thead>
        <tbody>
          {permits.data.map((p) => (
            <tr key={p.permitId}>
              <th scope="row">
                {p.permitId}
                <div className="small muted">{t("permits.list.version", { sequence: p.sequence })}</div>
              </th>
              <td>
                <span className={`state ${p.status === "granted" ? "state-ok" : "state-gone"}`}>
                  {t(`permits.list.statuses.${p.status}`)}
                </span>
              </td>
              <td>
                <bdi>{p.principalInvestigator.name}</bdi>
              </td>
              <td>
                {formatDate(p.validFrom)} – {formatDate(p.validUntil)}
              </td>
              <td>{formatMoment(p.receivedAt)}</td>
              <td>
                {p.environment ? (
                  <code>{p.environment.namespace}</code>
                ) : (
                  <span className="muted">{t("permits.list.noEnvironment")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
