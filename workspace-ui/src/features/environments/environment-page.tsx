import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../components/api-error";
import { formatAge, formatDate, formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { ConditionList } from "./condition-list";
import { DepartedPersons } from "./departed-persons";
import { EnvironmentCostCard } from "./environment-cost";
import {
  AuditTrail,
  ConditionHistory,
  DeliveriesOf,
  KubernetesEvents,
  PersonsOf,
  RequestsOf,
  type EnvironmentDetail,
} from "./environment-sections";
import { PersonWorkspaces } from "./person-workspaces";
import { StateBadge } from "./state-badge";
import { hoursSince } from "./table-query";
import { useEnvironmentActions } from "./use-environment-actions";
import { useEnvironmentUpdates } from "./use-environment-updates";

/**
 * One environment for operators: its state and what may be done with it, its permit, its persons and their
 * workspaces, its conditions over time, what Kubernetes says of it, its deliveries and export requests, and
 * its audit trail, with its compliance evidence a link away. Kept current by the live stream.
 */
export function EnvironmentPage({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  useEnvironmentUpdates();
  const detail = useQuery(trpc.environments.get.queryOptions({ namespace }));
  const actions = useEnvironmentActions();
  if (detail.isPending) return <p aria-busy="true">{t("environments.detail.loading")}</p>;
  if (detail.isError) return <ApiError error={detail.error} />;
  const e = detail.data;
  return (
    <>
      <section className="card" aria-labelledby="env-state-h">
        <h2 id="env-state-h">{t("environments.detail.state")}</h2>
        <p>
          <StateBadge environment={e} />{" "}
          <span title={formatMoment(e.stateSince)}>
            {t("environments.detail.since", { age: formatAge(hoursSince(e.stateSince, new Date()), t) })}
          </span>
        </p>
        <ConditionList conditions={e.conditions} />
        {actions.error && <ApiError error={actions.error} />}
        <div className="actions">
          {/* Pause and resume share one button, so that focus stays on it when the one becomes the other. */}
          {(e.desiredState === "active" || e.desiredState === "suspended") && (
            <button
              type="button"
              disabled={e.desiredState === "suspended" && actions.resuming}
              onClick={() => (e.desiredState === "active" ? actions.suspend : actions.resume)([namespace])}
            >
              {t(e.desiredState === "active" ? "environments.suspend" : "environments.resume")}
            </button>
          )}
          {e.desiredState !== "torn-down" && (
            <button type="button" className="danger" onClick={() => actions.teardown(namespace)}>
              {t("environments.teardown")}
            </button>
          )}
          <Link to={`/operator/environments/${namespace}/evidence`}>{t("environments.detail.evidence")}</Link>
        </div>
      </section>
      <PermitFacts environment={e} />
      <EnvironmentCostCard namespace={namespace} permitId={e.permitId} />
      <PersonsOf environment={e} />
      {e.desiredState !== "torn-down" && <PersonWorkspaces namespace={namespace} />}
      <DepartedPersons environment={e} />
      <ConditionHistory environment={e} />
      <KubernetesEvents namespace={namespace} tornDown={e.desiredState === "torn-down"} />
      <DeliveriesOf environment={e} />
      <RequestsOf environment={e} />
      <AuditTrail environment={e} />
      {actions.dialogs}
    </>
  );
}

/** What the permit grants, in words: a readable account, not its JSON. */
function PermitFacts({ environment: e }: { environment: EnvironmentDetail }) {
  const { t } = useTranslation();
  const p = e.permit;
  return (
    <section className="card" aria-labelledby="env-permit-h">
      <h2 id="env-permit-h">{t("environments.detail.permit", { permitId: e.permitId })}</h2>
      <dl className="facts">
        <dt>{t("environments.detail.purpose")}</dt>
        <dd>
          <bdi>{p.purpose.description}</bdi>
        </dd>
        <dt>{t("environments.detail.issuer")}</dt>
        <dd>
          {p.issuer} ({t("environments.detail.sequence", { sequence: p.sequence })})
        </dd>
        <dt>{t("environments.detail.valid")}</dt>
        <dd>
          {formatDate(p.validFrom)} – {formatDate(p.validUntil)}
        </dd>
        <dt>{t("environments.detail.datasets")}</dt>
        <dd>{p.datasets.map((d) => `${d.id}@${d.version}`).join(", ") || "–"}</dd>
        <dt>{t("environments.detail.resources")}</dt>
        <dd>
          {t("environments.detail.resourcesValue", {
            cpu: p.environment.cpu,
            memory: p.environment.memory,
            storage: p.environment.storage,
            tools: p.environment.tools.join(", "),
          })}
        </dd>
        <dt>{t("environments.detail.outputs")}</dt>
        <dd>
          {t("environments.detail.outputsValue", {
            profile: p.outputPolicy.profile,
            count: p.outputPolicy.reviewersRequired,
          })}
        </dd>
        {p.conditions && (
          <>
            <dt>{t("environments.detail.conditions")}</dt>
            <dd>{p.conditions}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
