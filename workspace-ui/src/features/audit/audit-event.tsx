import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../components/api-error";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { actionWords, detailFieldWords, roleWords, targetWords } from "./audit-words";

/** One audit event in words, its details' fields too (their values as recorded), and its place in the hash chain. */
export function AuditEvent({ sequence }: { sequence: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const place = useQuery(trpc.audit.event.queryOptions({ sequence }));
  if (place.isPending) return <p aria-busy="true">{t("audit.event.loading")}</p>;
  if (place.isError) return <ApiError error={place.error} />;
  const { event, hashMatches, previous, next, checkpoint } = place.data;
  const details = Object.entries(event.details);
  return (
    <>
      <dl className="facts">
        <dt>{t("audit.event.what")}</dt>
        <dd>{actionWords(event.action, t)}</dd>
        <dt>{t("audit.event.when")}</dt>
        <dd>{formatMoment(event.time)}</dd>
        <dt>{t("audit.event.who")}</dt>
        <dd>
          <bdi>{event.actor.subject}</bdi> ({roleWords(event.actor.role, t)})
        </dd>
        {event.actor.address && (
          <>
            <dt>{t("audit.event.from")}</dt>
            <dd>{event.actor.address}</dd>
          </>
        )}
        <dt>{t("audit.event.concerns")}</dt>
        <dd>
          <bdi>{targetWords(event.target, t)}</bdi>
        </dd>
      </dl>
      <h2>{t("audit.event.details")}</h2>
      {details.length === 0 ? (
        <p>{t("audit.event.noDetails")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("audit.event.field")}</th>
              <th scope="col">{t("audit.event.value")}</th>
            </tr>
          </thead>
          <tbody>
            {details.map(([key, value]) => (
              <tr key={key}>
                <td>{detailFieldWords(key, t) ?? <code lang="en">{key}</code>}</td>
                <td>
                  <bdi className="wrap">{typeof value === "string" ? value : JSON.stringify(value)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("audit.event.chain")}</h2>
      <p className={hashMatches ? "" : "state state-problem"} role={hashMatches ? undefined : "alert"}>
        {hashMatches ? t("audit.event.unchanged") : t("audit.event.changed")}
      </p>
      <dl className="facts hashes">
        <dt>{t("audit.event.previousHash")}</dt>
        <dd>
          <code className="hash">{event.previousHash}</code>{" "}
          {previous?.sequence === 0 ? (
            <>({t("audit.event.genesis")})</>
          ) : previous ? (
            <>
              (
              <Link to={`/audit/events/${previous.sequence}`}>
                {t("audit.event.previousEvent", { sequence: previous.sequence })}
              </Link>
              : {previous.linked ? t("audit.event.linked") : <strong>{t("audit.event.notLinked")}</strong>})
            </>
          ) : null}
        </dd>
        <dt>{t("audit.event.hash")}</dt>
        <dd>
          <code className="hash">{event.hash}</code>
        </dd>
        <dt>{t("audit.event.nextHash")}</dt>
        <dd>
          {next ? (
            <>
              <code className="hash">{next.previousHash}</code> (
              <Link to={`/audit/events/${next.sequence}`}>
                {t("audit.event.nextEvent", { sequence: next.sequence })}
              </Link>
              : {next.linked ? t("audit.event.linked") : <strong>{t("audit.event.notLinked")}</strong>})
            </>
          ) : (
            t("audit.event.last")
          )}
        </dd>
      </dl>
      <p>
        {!checkpoint
          ? t("audit.event.noCheckpoint")
          : t(checkpoint.covers ? "audit.event.covered" : "audit.event.notCovered", {
              time: formatMoment(checkpoint.signedAt),
              at: checkpoint.sequence,
            })}
      </p>
    </>
  );
}
