import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import type { EvidenceReport } from "./evidence-types";

/** Who issued the report and the audit chain head it was built from, as the signed copy says it. */
export function ReportProvenance({ report }: { report: EvidenceReport }) {
  const { t } = useTranslation();
  const { issuer, auditChain } = report;
  const head = { sequence: auditChain.sequence, hash: auditChain.hash };
  return (
    <p className="provenance">
      {t("audit.evidence.issuedBy", { name: issuer.name, url: issuer.url })}{" "}
      <span className="hash">
        {auditChain.checkpoint
          ? t("audit.evidence.builtFromCheckpoint", {
              ...head,
              at: auditChain.checkpoint.sequence,
              time: formatMoment(auditChain.checkpoint.signedAt),
            })
          : t("audit.evidence.builtFrom", head)}
      </span>
    </p>
  );
}

/** A CSS string literal: what a person named cannot end the string or the rule it stands in. */
const cssString = (text: string) => `"${text.replace(/[\\"]/g, "\\$&").replace(/[\n\r\f]/g, " ")}"`;

const PAGE = "@@page@@";
const PAGES = "@@pages@@";

/**
 * The printed report's page margins (CSS paged media, as Chromium prints it): the issuer at the top of every
 * page, the report and permit beside it, and "page n of m" at the foot, in the reader's language.
 */
export function PrintedPageMarks({ report }: { report: EvidenceReport }) {
  const { t } = useTranslation();
  const pageOf = t("audit.evidence.pageOf", { page: PAGE, pages: PAGES })
    .split(/(@@pages?@@)/)
    .filter((part) => part !== "")
    .map((part) => (part === PAGE ? "counter(page)" : part === PAGES ? "counter(pages)" : cssString(part)))
    .join(" ");
  const issuer = `${report.issuer.name} · ${report.issuer.url}`;
  const title = `${t("audit.evidence.title")} · ${report.permit.permitId}`;
  const css = `@page {
  margin: 18mm 14mm;
  @top-left { content: ${cssString(issuer)}; font-size: 8pt; color: #444; }
  @top-right { content: ${cssString(title)}; font-size: 8pt; color: #444; }
  @bottom-center { content: ${pageOf}; font-size: 8pt; color: #444; }
}`;
  return <style media="print">{css}</style>;
}
