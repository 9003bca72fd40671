import type { AppRouter } from "@spe/orchestrator/api";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useTranslation } from "react-i18next";
import { formatDate, formatMoment } from "../../lib/format";

export type PermitPreviewData = inferOutput<TRPCOptionsProxy<AppRouter>["permits"]["preview"]>;

/** A signed permit in words, before it is accepted: what it grants, to whom, for how long, and what accepting does. */
export function PermitPreview({ preview }: { preview: PermitPreviewData }) {
  const { t } = useTranslation();
  const p = preview.payload;
  return (
    <>
      <p className="notice">
        {t(`permits.preview.outcomes.${preview.outcome}`, {
          permitId: p.permitId,
          namespace: preview.namespace,
          sequence: p.sequence,
          held: preview.heldSequence ?? "",
        })}
      </p>
      <dl className="facts">
        <dt>{t("permits.preview.permit")}</dt>
        <dd>
          {p.permitId} ({t("permits.preview.sequence", { sequence: p.sequence })})
        </dd>
        <dt>{t("permits.preview.issuer")}</dt>
        <dd>
          {p.issuer}, {formatMoment(p.issuedAt)}
        </dd>
        <dt>{t("permits.preview.valid")}</dt>
        <dd>
          {formatDate(p.validFrom)} – {formatDate(p.validUntil)}
        </dd>
        <dt>{t("permits.preview.purpose")}</dt>
        <dd>
          <bdi>{p.purpose.description}</bdi>
        </dd>
        <dt>{t("permits.preview.principal")}</dt>
        <dd>
          <bdi>{p.principalInvestigator.name}</bdi> (<bdi>{p.principalInvestigator.email}</bdi>)
        </dd>
        <dt>{t("permits.preview.persons", { count: p.authorisedPersons.length })}</dt>
        <dd>
          <ul>
            {p.authorisedPersons.map((person) => (
              <li key={person.subject}>
                <bdi>{person.name}</bdi>{" "}
                <span className="muted small">
                  <bdi>{person.email}</bdi>
                </span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t("permits.preview.datasets")}</dt>
        <dd>{p.datasets.map((d) => `${d.id}@${d.version}`).join(", ") || "–"}</dd>
        <dt>{t("permits.preview.resources")}</dt>
        <dd>
          {t("permits.preview.resourcesValue", {
            cpu: p.environment.cpu,
            memory: p.environment.memory,
            storage: p.environment.storage,
            tools: p.environment.tools.join(", "),
          })}
        </dd>
        <dt>{t("permits.preview.outputs")}</dt>
        <dd>
          {t("permits.preview.outputsValue", {
            profile: p.outputPolicy.profile,
            count: p.outputPolicy.reviewersRequired,
          })}
        </dd>
        {p.conditions && (
          <>
            <dt>{t("permits.preview.conditions")}</dt>
            <dd>{p.conditions}</dd>
          </>
        )}
      </dl>
    </>
  );
}
