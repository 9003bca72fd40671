import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { AccessEvidenceView } from "../features/audit/evidence/access-evidence";
import { DataEvidenceView } from "../features/audit/evidence/data-evidence";
import { DurationEvidenceView } from "../features/audit/evidence/duration-evidence";
import type { EvidenceReport, RequirementId } from "../features/audit/evidence/evidence-types";
import { IsolationEvidenceView } from "../features/audit/evidence/isolation-evidence";
import { LogEvidenceView } from "../features/audit/evidence/log-evidence";
import { OutputEvidenceView } from "../features/audit/evidence/output-evidence";
import { PrintedPageMarks, ReportProvenance } from "../features/audit/evidence/report-provenance";
import { formatMoment } from "../lib/format";
import { useTRPC } from "../lib/trpc";
import { errorWords } from "../lib/api-errors";

/**
 * The compliance evidence report of one environment, laid out to be read and printed by the supervisor:
 * each EHDS requirement with its evidence as tables. The same report as JSON, with every detail, is a
 * download beside it.
 */
export default function Evidence({ reader = "auditor" }: { reader?: "auditor" | "operator" }) {
  const { namespace = "" } = useParams();
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The same report for the supervisor and for the operators who answer for the environment.
  const report = useQuery(
    reader === "operator"
      ? trpc.environments.evidence.queryOptions({ namespace })
      : trpc.audit.evidence.queryOptions({ namespace }),
  );
  if (report.isPending) return <p aria-busy="true">{t("audit.evidence.loading")}</p>;
  if (report.isError) return <p role="alert">{t("audit.evidence.failed", { message: errorWords(report.error, t) })}</p>;
  const r = report.data;
  return (
    <article className="report">
      <PrintedPageMarks report={r} />
      <h1>{t("audit.evidence.title")}</h1>
      <ReportProvenance report={r} />
      <p>
        <Trans
          i18nKey="audit.evidence.about"
          values={{
            namespace: r.environment.namespace,
            permitId: r.permit.permitId,
            issuer: r.permit.issuer,
            when: formatMoment(r.generatedAt),
          }}
          components={{ code: <code /> }}
        />
      </p>
      <p>
        <bdi>{r.permit.purpose.description}</bdi>
      </p>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          {t("audit.evidence.print")}
        </button>{" "}
        <button type="button" className="secondary" onClick={() => download(r)}>
          {t("audit.evidence.download")}
        </button>{" "}
        {reader === "auditor" && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void queryClient
                .fetchQuery({ ...trpc.audit.signedEvidence.queryOptions({ namespace }), staleTime: 0 })
                .then((signed: { jws: string }) => save(signed.jws, "application/jose", `${fileStem(r)}.jws`))
            }
          >
            {t("audit.evidence.downloadSigned")}
          </button>
        )}
      </p>
      {reader === "auditor" && (
        <p className="muted no-print">
          {/* The address is the link's own text (an interpolated link rendered empty, with no name). */}
          {t("audit.evidence.signedWith")} <a href={SIGNING_KEYS}>{SIGNING_KEYS}</a>.
        </p>
      )}
      {r.requirements.map((requirement) => (
        // The data section says in its own words which datasets are still awaited: its gaps are those.
        <Requirement key={requirement.id} id={requirement.id} gaps={requirement.id === "data" ? [] : requirement.gaps}>
          <EvidenceOf requirement={requirement} namespace={r.environment.namespace} />
        </Requirement>
      ))}
    </article>
  );
}

function EvidenceOf({
  requirement,
  namespace,
}: {
  requirement: EvidenceReport["requirements"][number];
  namespace: string;
}) {
  switch (requirement.id) {
    case "access":
      return <AccessEvidenceView evidence={requirement.evidence} />;
    case "isolation":
      return <IsolationEvidenceView evidence={requirement.evidence} />;
    case "data":
      return <DataEvidenceView evidence={requirement.evidence} />;
    case "logs":
      return <LogEvidenceView evidence={requirement.evidence} namespace={namespace} />;
    case "outputs":
      return <OutputEvidenceView evidence={requirement.evidence} />;
    case "duration":
      return <DurationEvidenceView evidence={requirement.evidence} />;
  }
}

function Requirement({ id, gaps, children }: { id: RequirementId; gaps: readonly string[]; children: ReactNode }) {
  const { t } = useTranslation();
  const title = t(`audit.evidence.requirements.${id}`);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {gaps.length > 0 && (
        <ul className="gaps" lang="en">
          {gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}

/** Where the orchestrator publishes the public keys its signatures are checked with. */
const SIGNING_KEYS = "/.well-known/spe-signing-keys.json";

/** The whole report as the API gave it, for the supervisor's own tools. */
function download(report: EvidenceReport) {
  save(JSON.stringify(report, null, 2), "application/json", `${fileStem(report)}.json`);
}

const fileStem = (report: EvidenceReport) =>
  `evidence-${report.environment.namespace}-${report.generatedAt.slice(0, 10)}`;

function save(content: string, type: string, name: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}
