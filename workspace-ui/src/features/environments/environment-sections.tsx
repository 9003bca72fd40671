import type { AppRouter } from "@spe/orchestrator/api";
import { useQuery } from "@tanstack/react-query";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { RequestStateBadge } from "../../components/request-state-badge";
import { formatBytes, formatCount, formatMoment } from "../../lib/format";
import { Words } from "../../lib/said";
import { useTRPC } from "../../lib/trpc";
import { conditionName, conditionSaid } from "./condition-words";
import { TableScroll } from "../../components/table-scroll";

export type EnvironmentDetail = inferOutput<TRPCOptionsProxy<AppRouter>["environments"]["get"]>;
type Props = { environment: EnvironmentDetail };

const SYMBOL: Record<string, string> = { True: "✓", False: "✗", Unknown: "?" };

/** A titled section with its table, or a sentence when there is nothing to show. */
function Section({ id, title, empty, children }: { id: string; title: string; empty?: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="muted">{empty}</p> : <TableScroll label={title}>{children}</TableScroll>}
    </section>
  );
}

export function PersonsOf({ environment: e }: Props) {
  const { t } = useTranslation();
  return (
    <Section id="env-persons-h" title={t("environments.detail.persons")}>
      <table className="table">
        <caption className="visually-hidden">{t("environments.detail.persons")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.person")}</th>
            <th scope="col">{t("environments.detail.email")}</th>
            <th scope="col" className="num">
              {t("environments.detail.openSessions")}
            </th>
            <th scope="col">{t("environments.detail.lastOpened")}</th>
          </tr>
        </thead>
        <tbody>
          {e.persons.map((p) => (
            <tr key={p.subject}>
              <th scope="row">
                <bdi>{p.name}</bdi> <code className="muted small">{p.subject}</code>
                {p.principalInvestigator && <div className="small">{t("environments.detail.principal")}</div>}
              </th>
              <td>{p.email}</td>
              <td className="num">{p.openSessions}</td>
              <td>{p.lastOpened ? formatMoment(p.lastOpened) : t("environments.detail.never")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function ConditionHistory({ environment: e }: Props) {
  const { t } = useTranslation();
  const title = t("environments.detail.history");
  return (
    <Section
      id="env-history-h"
      title={title}
      empty={e.conditionChanges.length ? undefined : t("environments.detail.none")}
    >
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.when")}</th>
            <th scope="col">{t("environments.detail.condition")}</th>
            <th scope="col">{t("environments.detail.what")}</th>
          </tr>
        </thead>
        <tbody>
          {e.conditionChanges.map((c, i) => (
            <tr key={i}>
              <td>{formatMoment(c.changedAt)}</td>
              <th scope="row">
                <span aria-hidden="true">{SYMBOL[c.status] ?? "?"}</span> {conditionName(c.type, t)}
                <span className="visually-hidden">
                  :{" "}
                  {c.status === "True" || c.status === "False" || c.status === "Unknown"
                    ? t(`environmentState.conditionStatus.${c.status}`)
                    : c.status}
                </span>
              </th>
              <td>
                <Words
                  said={conditionSaid(
                    {
                      ...c,
                      status: c.status as "True" | "False" | "Unknown",
                      values: c.values ?? undefined,
                      observedGeneration: 0,
                      lastTransitionTime: String(c.changedAt),
                    },
                    [],
                    t,
                  )}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/** What the API server says of the namespace, asked for apart so that a slow one never holds the page. */
export function KubernetesEvents({ namespace, tornDown }: { namespace: string; tornDown: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const events = useQuery({ ...trpc.environments.events.queryOptions({ namespace }), enabled: !tornDown });
  const title = t("environments.detail.events");
  const empty = tornDown
    ? t("environments.detail.eventsGone")
    : events.isPending
      ? t("environments.detail.eventsLoading")
      : events.data?.length
        ? undefined
        : t("environments.detail.none");
  return (
    <Section id="env-events-h" title={title} empty={empty}>
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.when")}</th>
            <th scope="col">{t("environments.detail.object")}</th>
            <th scope="col">{t("environments.detail.what")}</th>
          </tr>
        </thead>
        <tbody>
          {events.data?.map((ev, i) => (
            <tr key={i}>
              <td>{formatMoment(ev.time)}</td>
              <th scope="row">
                <code>{ev.object}</code>
              </th>
              <td lang="en">
                {ev.type === "Warning" && <strong>{ev.reason}: </strong>}
                {ev.type !== "Warning" && `${ev.reason}: `}
                {ev.message}
                {ev.count > 1 && ` (×${ev.count})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function DeliveriesOf({ environment: e }: Props) {
  const { t } = useTranslation();
  const title = t("environments.detail.deliveries");
  return (
    <Section
      id="env-deliveries-h"
      title={title}
      empty={e.deliveries.length ? undefined : t("environments.detail.none")}
    >
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.dataset")}</th>
            <th scope="col">{t("environments.state")}</th>
            <th scope="col" className="num">
              {t("environments.detail.rows")}
            </th>
            <th scope="col" className="num">
              {t("environments.detail.size")}
            </th>
            <th scope="col">{t("environments.detail.deliveredBy")}</th>
            <th scope="col">{t("environments.detail.when")}</th>
          </tr>
        </thead>
        <tbody>
          {e.deliveries.map((d) => (
            <tr key={d.id}>
              <th scope="row">
                {d.datasetId}@{d.datasetVersion}
              </th>
              <td>
                {t(`deliveries.states.${d.state}`)}
                {d.findings ? ` (${t("environments.detail.findings", { count: d.findings })})` : ""}
              </td>
              <td className="num">{formatCount(d.rows)}</td>
              <td className="num">{formatBytes(d.bytes)}</td>
              <td>{d.deliveredBy}</td>
              <td>{formatMoment(d.finishedAt ?? d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function RequestsOf({ environment: e }: Props) {
  const { t } = useTranslation();
  const title = t("environments.detail.requests");
  return (
    <Section
      id="env-requests-h"
      title={title}
      empty={e.exportRequests.length ? undefined : t("environments.detail.none")}
    >
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.requestTitle")}</th>
            <th scope="col">{t("environments.state")}</th>
            <th scope="col">{t("environments.detail.requester")}</th>
            <th scope="col" className="num">
              {t("environments.detail.files")}
            </th>
            <th scope="col">{t("environments.detail.submitted")}</th>
            <th scope="col">{t("environments.detail.decided")}</th>
          </tr>
        </thead>
        <tbody>
          {e.exportRequests.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <bdi>{r.title}</bdi>
              </th>
              <td>
                <RequestStateBadge state={r.state} />
              </td>
              <td>
                <bdi>{r.requester}</bdi>
              </td>
              <td className="num">{r.files}</td>
              <td>{formatMoment(r.submittedAt)}</td>
              <td>{formatMoment(r.decidedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function AuditTrail({ environment: e }: Props) {
  const { t } = useTranslation();
  const title = t("environments.detail.audit");
  return (
    <Section id="env-audit-h" title={title} empty={e.auditTrail.length ? undefined : t("environments.detail.none")}>
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.detail.when")}</th>
            <th scope="col">{t("environments.detail.action")}</th>
            <th scope="col">{t("environments.detail.actor")}</th>
            <th scope="col">{t("environments.detail.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {e.auditTrail.map((ev) => (
            <tr key={ev.sequence}>
              <td>{formatMoment(ev.time)}</td>
              <th scope="row">
                <code>{ev.action}</code>
              </th>
              <td>
                {ev.actor.subject} <span className="muted small">({ev.actor.role})</span>
              </td>
              <td>{typeof ev.details.reason === "string" ? ev.details.reason : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
