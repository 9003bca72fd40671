import { useQuery } from "@tanstack/react-query";
import { Trans, useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { intlLocale } from "../lib/i18n";
import { useTRPC } from "../lib/trpc";

/** The compliance evidence report of one environment, laid out to be printed for the supervisor. */
export default function Evidence() {
  const { namespace = "" } = useParams();
  const { t } = useTranslation();
  const trpc = useTRPC();
  const report = useQuery(trpc.audit.evidence.queryOptions({ namespace }));
  if (report.isPending) return <p aria-busy="true">{t("audit.evidence.loading")}</p>;
  if (report.isError) return <p role="alert">{t("audit.evidence.failed", { message: report.error.message })}</p>;
  const r = report.data;
  return (
    <article className="report">
      <h1>{t("audit.evidence.title")}</h1>
      <p>
        <Trans
          i18nKey="audit.evidence.about"
          values={{ namespace: r.environment.namespace, permitId: r.permit.permitId, issuer: r.permit.issuer, when: new Date(r.generatedAt).toLocaleString(intlLocale()) }}
          components={{ code: <code /> }}
        />
      </p>
      <p>{r.permit.purpose.description}</p>
      <button type="button" className="no-print" onClick={() => window.print()}>{t("audit.evidence.print")}</button>
      {r.requirements.map((req) => (
        <section key={req.requirement} aria-label={req.requirement}>
          <h2>{req.requirement}</h2>
          {req.gaps.length > 0 && (
            <ul className="gaps">
              {req.gaps.map((g) => (
                <li key={g}>{g}</li>
              ))}
            </ul>
          )}
          <pre>{JSON.stringify(req.evidence, null, 2)}</pre>
        </section>
      ))}
    </article>
  );
}
