import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { useTRPC } from "../../../lib/trpc";
import { ActivityChainStatus } from "./activity-chain";
import { ActivityDetails } from "./activity-details";
import { errorWords } from "../../../lib/api-errors";

/**
 * An environment's record of activities for auditors: its persons with their counts, and one person's (or
 * everyone's) entries, newest first, a page at a time. Every page shown is an audit event of its own.
 */
export function ActivityTimeline({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const [subject, setSubject] = useState("");
  /** The pages before this one: where "newer" goes back to. */
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);
  const page = useQuery(
    trpc.audit.activity.queryOptions({
      namespace,
      limit: 50,
      ...(subject && { subject }),
      ...(before && { before }),
    }),
  );
  const choose = (next: string) => {
    setSubject(next);
    setCursors([]);
  };
  return (
    <>
      <ActivityChainStatus />
      <p>{t("audit.activity.about")}</p>
      {page.isPending && <p aria-busy="true">{t("audit.activity.loading")}</p>}
      {page.isError && <p role="alert">{t("audit.activity.failed", { message: errorWords(page.error, t) })}</p>}
      {page.data && (
        <>
          <fieldset className="persons">
            <legend>{t("audit.activity.person")}</legend>
            <label>
              <input type="radio" name="person" checked={subject === ""} onChange={() => choose("")} />
              {t("audit.activity.everyone")}
            </label>
            {page.data.persons.map((p) => (
              <label key={p.subject}>
                <input type="radio" name="person" checked={subject === p.subject} onChange={() => choose(p.subject)} />
                {p.subject} <span className="muted">({t("audit.activity.entries", { count: p.total })})</span>
              </label>
            ))}
          </fieldset>
          {page.data.entries.length === 0 ? (
            <p>{t("audit.activity.none")}</p>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <caption>{subject ? t("audit.activity.captionOf", { subject }) : t("audit.activity.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("audit.search.time")}</th>
                    <th scope="col">{t("audit.search.who")}</th>
                    <th scope="col">{t("audit.activity.kind")}</th>
                    <th scope="col">{t("audit.activity.what")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.entries.map((e) => (
                    <tr key={e.id}>
                      <td>{formatMoment(e.time)}</td>
                      <td>{e.subject}</td>
                      <td>{t(`audit.activity.kinds.${e.kind}`)}</td>
                      <td>
                        <ActivityDetails entry={e} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            {cursors.length > 0 && (
              <button type="button" className="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
                {t("audit.activity.newer")}
              </button>
            )}{" "}
            {page.data.more && (
              <button type="button" onClick={() => setCursors([...cursors, page.data.entries.at(-1)!.id])}>
                {t("audit.activity.older")}
              </button>
            )}
          </p>
        </>
      )}
    </>
  );
}
