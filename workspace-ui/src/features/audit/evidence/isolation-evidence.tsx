import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { EvidenceTable } from "./evidence-table";
import type { IsolationEvidence } from "./evidence-types";

type Analysis = Extract<IsolationEvidence, { state: "in-force" }>["analysis"];
type Connection = Analysis["ingress"]["allowed"][number];

const POD_SECURITY = "pod-security.kubernetes.io/enforce";

/**
 * The isolation in force in the cluster when the report was made: the namespace's Pod Security level, the
 * NetworkPolicies there, and what they let in and out, read from those policies.
 */
export function IsolationEvidenceView({ evidence }: { evidence: IsolationEvidence }) {
  const { t } = useTranslation();
  if (evidence.state === "deleted")
    return (
      <p>
        {evidence.teardown?.completedAt
          ? t("audit.evidence.isolation.deletedAt", { when: formatMoment(evidence.teardown.completedAt) })
          : t("audit.evidence.isolation.deleted")}
      </p>
    );
  if (evidence.state === "unknown")
    return (
      <p role="alert">
        {t("audit.evidence.isolation.unknown")} <span lang="en">{evidence.error}</span>
      </p>
    );
  const { inForce, analysis } = evidence;
  const yesNo = (value: boolean) => (value ? t("audit.evidence.yes") : t("audit.evidence.no"));
  return (
    <>
      <dl className="facts">
        <dt>{t("audit.evidence.isolation.podSecurity")}</dt>
        <dd>
          <code>{inForce.labels[POD_SECURITY] ?? t("audit.evidence.isolation.notSet")}</code>
        </dd>
        <dt>{t("audit.evidence.isolation.policies")}</dt>
        <dd>{inForce.networkPolicies.map((p) => p.metadata?.name ?? "?").join(", ") || t("audit.evidence.none")}</dd>
        <dt>{t("audit.evidence.isolation.denyIn")}</dt>
        <dd>{yesNo(analysis.ingress.defaultDeny)}</dd>
        <dt>{t("audit.evidence.isolation.denyOut")}</dt>
        <dd>{yesNo(analysis.egress.defaultDeny)}</dd>
        <dt>{t("audit.evidence.isolation.internet")}</dt>
        <dd>{yesNo(analysis.egress.internet)}</dd>
        <dt>{t("audit.evidence.isolation.leaves")}</dt>
        <dd>{analysis.egress.leavesNamespace ? <WaysOut analysis={analysis} /> : yesNo(false)}</dd>
      </dl>
      <Openings caption={t("audit.evidence.isolation.inbound")} connections={analysis.ingress.allowed} />
      <Openings caption={t("audit.evidence.isolation.outbound")} connections={analysis.egress.allowed} />
    </>
  );
}

/** The data loader's label: its pods are the only ones the orchestrator's policies let out of the namespace. */
const DATA_LOADER_PODS = "app.kubernetes.io/component=data-loader";

/**
 * Why "traffic can leave" is yes under "no traffic in or out": which pods the openings out are for. When
 * they are the data loader's alone, the workspaces have no way out but the gateway and the export requests.
 */
function WaysOut({ analysis }: { analysis: Analysis }) {
  const { t } = useTranslation();
  const outward = analysis.egress.allowed.filter(
    (c) => c.peer.type !== "pods" || c.peer.namespaces !== "this namespace",
  );
  const pods = [...new Set(outward.map((c) => c.pods))];
  const loaderOnly = analysis.egress.defaultDeny && pods.length > 0 && pods.every((p) => p === DATA_LOADER_PODS);
  return (
    <>
      {t("audit.evidence.yes")}
      <p className="small">
        {loaderOnly
          ? t("audit.evidence.isolation.leavesLoaderOnly", { pods: DATA_LOADER_PODS })
          : t("audit.evidence.isolation.leavesSee")}
      </p>
    </>
  );
}

function Openings({ caption, connections }: { caption: string; connections: readonly Connection[] }) {
  const { t } = useTranslation();
  return (
    <EvidenceTable
      caption={caption}
      columns={[
        t("audit.evidence.isolation.policy"),
        t("audit.evidence.isolation.pods"),
        t("audit.evidence.isolation.peer"),
        t("audit.evidence.isolation.ports"),
      ]}
      rows={connections}
      empty={t("audit.evidence.isolation.noOpenings")}
      row={(c) => [
        <code key="p">{c.policy}</code>,
        <code key="s">{c.pods}</code>,
        <code key="r">{peerText(c.peer)}</code>,
        c.ports === "all" ? t("audit.evidence.isolation.allPorts") : c.ports.join(", "),
      ]}
    />
  );
}

/** A peer as a Kubernetes person reads it: selectors and address blocks as written in the policy. */
function peerText(peer: Connection["peer"]): string {
  if (peer.type === "anywhere") return "*";
  if (peer.type === "ipBlock") return peer.except.length ? `${peer.cidr} except ${peer.except.join(", ")}` : peer.cidr;
  return peer.namespaces === "this namespace" ? peer.pods : `${peer.namespaces} / ${peer.pods}`;
}
