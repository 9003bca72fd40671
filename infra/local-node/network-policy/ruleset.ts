import type {
  V1Namespace,
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1Pod,
} from "@kubernetes/client-node";
import { matchesSelector } from "./selectors";

/** The nftables table the enforcer owns; nothing else on the host is touched. */
export const TABLE = "spe_netpol";

/** A pod the enforcer governs: on the pod network, with an address, not finished. */
interface PodView {
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  pod: V1Pod;
}

export interface ClusterView {
  pods: readonly V1Pod[];
  namespaces: readonly V1Namespace[];
  policies: readonly V1NetworkPolicy[];
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const address = ipv4ToNumber(ip);
  const network = ipv4ToNumber(base ?? "");
  const length = Number(bits);
  if (address === undefined || network === undefined || !(length >= 0 && length <= 32)) return false;
  const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
  return (address & mask) >>> 0 === (network & mask) >>> 0;
}

function governedPods(pods: readonly V1Pod[], podCidr: string): PodView[] {
  return pods
    .filter((p) => !p.spec?.hostNetwork && p.status?.podIP && inCidr(p.status.podIP, podCidr))
    .filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")
    .map((pod) => ({
      namespace: pod.metadata!.namespace!,
      labels: pod.metadata?.labels ?? {},
      ip: pod.status!.podIP!,
      pod,
    }));
}

/** Without policyTypes, a policy is about ingress, and about egress too if it has egress rules. */
function policyTypes(policy: V1NetworkPolicy): string[] {
  return policy.spec?.policyTypes ?? ["Ingress", ...(policy.spec?.egress ? ["Egress"] : [])];
}

/** One side of a rule's match: `ip saddr { … }`-like expressions, or "" for any address. */
type AddressMatch = string;

function peerMatches(
  peer: V1NetworkPolicyPeer,
  policyNamespace: string,
  pods: PodView[],
  namespaces: Map<string, Record<string, string>>,
  field: "saddr" | "daddr",
): AddressMatch[] {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except?.length ? ` ip ${field} != { ${peer.ipBlock.except!.join(", ")} }` : "";
    return [`ip ${field} ${peer.ipBlock.cidr}${except}`];
  }
  const selected = pods.filter((p) => {
    const namespaceOk = peer.namespaceSelector
      ? matchesSelector(namespaces.get(p.namespace), peer.namespaceSelector)
      : p.namespace === policyNamespace;
    return namespaceOk && matchesSelector(p.labels, peer.podSelector);
  });
  // A selector that selects nobody allows nobody: no rule at all, rather than a rule for "any".
  return selected.length ? [`ip ${field} { ${[...new Set(selected.map((p) => p.ip))].join(", ")} }`] : [];
}

/** Port expressions of one rule; named ports resolve against the pod the rule protects (ingress only). */
function portMatches(ports: V1NetworkPolicyPort[] | undefined, target?: V1Pod): string[] {
  if (!ports?.length) return [""];
  const out: string[] = [];
  for (const entry of ports) {
    const protocol = (entry.protocol ?? "TCP").toLowerCase();
    if (entry.port === undefined) {
      out.push(`meta l4proto ${protocol}`);
      continue;
    }
    let port: number | undefined =
      typeof entry.port === "number"
        ? entry.port
        : Number.isInteger(Number(entry.port))
          ? Number(entry.port)
          : undefined;
    if (port === undefined && target) {
      const named = target.spec?.containers
        .flatMap((c) => c.ports ?? [])
        .find((p) => p.name === entry.port && (p.protocol ?? "TCP").toLowerCase() === protocol);
      port = named?.containerPort;
    }
    // An unresolvable named port (or one on an egress rule) opens nothing: fail closed.
    if (port === undefined) continue;
    out.push(`meta l4proto ${protocol} th dport ${entry.endPort ? `${port}-${entry.endPort}` : port}`);
  }
  return out;
}

/**
 * An ingress rule's peers. The client's model calls the field `_from`, but objects that arrive through a
 * watch are plain JSON with `from`: reading only one of the two would turn "from the gateway" into "from
 * anyone".
 */
function ingressPeers(rule: V1NetworkPolicyIngressRule): V1NetworkPolicyPeer[] | undefined {
  return rule._from ?? (rule as { from?: V1NetworkPolicyPeer[] }).from;
}

const chainName = (direction: "in" | "eg", ip: string) => `${direction}_${ip.replaceAll(".", "_")}`;

/**
 * The whole nftables script for a view of the cluster: pure, so it is tested without a kernel. Standard
 * NetworkPolicy semantics: a pod selected by any policy of a direction is isolated in that direction and
 * gets only what the union of those policies' rules allows; replies to allowed connections pass. Traffic
 * from and to pod addresses the enforcer does not know yet is dropped, so a new pod is never open before its
 * policies are in place. Traffic the host itself starts towards pods (the kubelet's probes) is not filtered.
 * IPv6 on the pod bridge is dropped whole: pods have only link-local IPv6 addresses, which no policy names,
 * and without this rule a pod reached another environment's workspace at fe80::…%eth0 past every deny.
 */
export function nftScript(view: ClusterView, podCidr: string, bridge: string): string {
  const pods = governedPods(view.pods, podCidr);
  const namespaces = new Map(view.namespaces.map((n) => [n.metadata!.name!, n.metadata?.labels ?? {}]));
  const chains: string[] = [];
  const forward: string[] = [];
  const input: string[] = [];

  for (const target of pods) {
    const selecting = view.policies.filter(
      (p) => p.metadata?.namespace === target.namespace && matchesSelector(target.labels, p.spec?.podSelector),
    );
    const egress = selecting.filter((p) => policyTypes(p).includes("Egress"));
    const ingress = selecting.filter((p) => policyTypes(p).includes("Ingress"));
    if (egress.length) {
      const rules = egress.flatMap((policy) =>
        (policy.spec?.egress ?? []).flatMap((rule) => {
          const addresses = rule.to?.length
            ? rule.to.flatMap((peer) => peerMatches(peer, policy.metadata!.namespace!, pods, namespaces, "daddr"))
            : [""];
          return addresses.flatMap((a) => portMatches(rule.ports).map((p) => `${a} ${p} return`.trim()));
        }),
      );
      chains.push(
        `  chain ${chainName("eg", target.ip)} {\n${[...rules, "drop"].map((r) => `    ${r}`).join("\n")}\n  }`,
      );
      forward.push(`ip saddr ${target.ip} jump ${chainName("eg", target.ip)}`);
      input.push(`ip saddr ${target.ip} jump ${chainName("eg", target.ip)}`);
    }
    if (ingress.length) {
      const rules = ingress.flatMap((policy) =>
        (policy.spec?.ingress ?? []).flatMap((rule) => {
          const peers = ingressPeers(rule);
          const addresses = peers?.length
            ? peers.flatMap((peer) => peerMatches(peer, policy.metadata!.namespace!, pods, namespaces, "saddr"))
            : [""];
          return addresses.flatMap((a) => portMatches(rule.ports, target.pod).map((p) => `${a} ${p} return`.trim()));
        }),
      );
      chains.push(
        `  chain ${chainName("in", target.ip)} {\n${[...rules, "drop"].map((r) => `    ${r}`).join("\n")}\n  }`,
      );
      forward.push(`ip daddr ${target.ip} jump ${chainName("in", target.ip)}`);
    }
  }

  const known = [...new Set(pods.map((p) => p.ip))];
  const base = (name: string, hook: string, rules: string[]) =>
    `  chain ${name} {\n    type filter hook ${hook} priority filter - 10; policy accept;\n${rules.map((r) => `    ${r}`).join("\n")}\n  }`;
  return [
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
    `table inet ${TABLE} {`,
    `  set pods {\n    type ipv4_addr\n${known.length ? `    elements = { ${known.join(", ")} }\n` : ""}  }`,
    ...chains,
    base("forward", "forward", [
      `meta nfproto ipv6 iifname "${bridge}" drop`,
      `meta nfproto ipv6 oifname "${bridge}" drop`,
      "ct state established,related accept",
      `ip saddr ${podCidr} ip saddr != @pods drop`,
      `ip daddr ${podCidr} ip daddr != @pods drop`,
      ...forward,
    ]),
    base("input", "input", [
      `meta nfproto ipv6 iifname "${bridge}" drop`,
      "ct state established,related accept",
      'iifname "lo" accept',
      `ip saddr ${podCidr} ip saddr != @pods drop`,
      ...input,
    ]),
    "}",
    "",
  ].join("\n");
}
