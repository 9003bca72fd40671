import { BlockList } from "node:net";
import type {
  V1LabelSelector,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
} from "@kubernetes/client-node";

/** Where a connection comes from (ingress) or goes to (egress). */
export type Peer =
  /** A rule without from/to: every address, in the cluster and outside it. */
  | { type: "anywhere" }
  /** Pods matching `pods`, in the policy's own namespace or in the namespaces matching `namespaces`. */
  | { type: "pods"; namespaces: "this namespace" | string; pods: string }
  | { type: "ipBlock"; cidr: string; except: string[] };

/** One opening a policy makes, for the pods it selects. */
export interface Connection {
  policy: string;
  /** The environment's pods it applies to, as a label selector ("*": every pod). */
  pods: string;
  peer: Peer;
  /** "TCP/8888", "UDP/53", "TCP/8000-8999", "TCP/http"; "all" when the rule names no ports. */
  ports: string[] | "all";
}

export interface DirectionAnalysis {
  /** Some policy of this direction selects every pod: whatever `allowed` does not list is denied. */
  defaultDeny: boolean;
  /** The selectors of the pods that policies of this direction isolate (only telling when not defaultDeny). */
  isolatedPods: string[];
  allowed: Connection[];
}

export interface NetworkAnalysis {
  ingress: DirectionAnalysis & {
    /** Every distinct source allowed in, in words. */
    allowedFrom: string[];
  };
  egress: DirectionAnalysis & {
    /** Could any pod reach an address outside private ranges (unrestricted pods, rules without `to`, public ipBlocks)? */
    internet: boolean;
    /** Could any traffic leave the namespace at all? */
    leavesNamespace: boolean;
    /** Every distinct destination allowed, in words. */
    allowedTo: string[];
  };
  /** The findings as sentences a person can read and an auditor can quote. */
  sentences: string[];
}

type Direction = "Ingress" | "Egress";

/** Address ranges that are not the internet: private, shared (carrier-grade NAT, common for pods), loopback, unique local. */
const PRIVATE_RANGES: Array<[string, number, "ipv4" | "ipv6"]> = [
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["fc00::", 7, "ipv6"],
  ["::1", 128, "ipv6"],
];

/** True when every address of `cidr` lies in one private range. Excepts are ignored, so the answer errs towards "internet". */
export function isPrivateCidr(cidr: string): boolean {
  const [address, bits] = cidr.split("/") as [string, string | undefined];
  const family = address.includes(":") ? "ipv6" : "ipv4";
  const prefix = Number(bits ?? (family === "ipv4" ? 32 : 128));
  return PRIVATE_RANGES.some(([network, length, f]) => {
    if (f !== family || prefix < length) return false;
    const range = new BlockList();
    range.addSubnet(network, length, f);
    return range.check(address, family);
  });
}

/** A label selector in kubectl's words; "*" selects everything. */
export function describeSelector(selector: V1LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (selector?.matchExpressions ?? []).map(({ key, operator, values = [] }) => {
    if (operator === "Exists") return key;
    if (operator === "DoesNotExist") return `!${key}`;
    return `${key} ${operator.toLowerCase()} (${values.join(",")})`;
  });
  const all = [...labels, ...expressions];
  return all.length === 0 ? "*" : all.join(",");
}

/** policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules. */
export function effectivePolicyTypes(policy: V1NetworkPolicy): Direction[] {
  const types = policy.spec?.policyTypes;
  if (types && types.length > 0) return types as Direction[];
  return (policy.spec?.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

// Typed client-node models call it `_from`; objects read from JSON (watch events, YAML) say `from`.
const peersOf = (rule: object, direction: Direction): V1NetworkPolicyPeer[] | undefined =>
  direction === "Ingress"
    ? ((rule as { _from?: V1NetworkPolicyPeer[] })._from ?? (rule as { from?: V1NetworkPolicyPeer[] }).from)
    : (rule as { to?: V1NetworkPolicyPeer[] }).to;

function describePeer(peer: V1NetworkPolicyPeer): Peer {
  if (peer.ipBlock) return { type: "ipBlock", cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] };
  return {
    type: "pods",
    namespaces: peer.namespaceSelector ? describeSelector(peer.namespaceSelector) : "this namespace",
    pods: describeSelector(peer.podSelector),
  };
}

function describePorts(ports: V1NetworkPolicyPort[] | undefined): string[] | "all" {
  if (!ports || ports.length === 0) return "all";
  return ports.map((p) => {
    const protocol = p.protocol ?? "TCP";
    if (p.port === undefined) return `${protocol}/all`;
    return p.endPort !== undefined ? `${protocol}/${p.port}-${p.endPort}` : `${protocol}/${p.port}`;
  });
}

function analyseDirection(policies: V1NetworkPolicy[], direction: Direction): DirectionAnalysis {
  const applying = policies.filter((p) => effectivePolicyTypes(p).includes(direction));
  const selectors = applying.map((p) => describeSelector(p.spec?.podSelector));
  const allowed: Connection[] = [];
  for (const policy of applying) {
    const rules = (direction === "Ingress" ? policy.spec?.ingress : policy.spec?.egress) ?? [];
    for (const rule of rules) {
      const peers = peersOf(rule, direction);
      const base = {
        policy: policy.metadata?.name ?? "",
        pods: describeSelector(policy.spec?.podSelector),
        ports: describePorts(rule.ports),
      };
      // An empty or missing from/to matches every peer.
      if (!peers || peers.length === 0) allowed.push({ ...base, peer: { type: "anywhere" } });
      else for (const peer of peers) allowed.push({ ...base, peer: describePeer(peer) });
    }
  }
  return { defaultDeny: selectors.includes("*"), isolatedPods: [...new Set(selectors)].sort(), allowed };
}

export function describePeerText(peer: Peer): string {
  if (peer.type === "anywhere") return "any address, inside or outside the cluster";
  if (peer.type === "ipBlock")
    return `addresses ${peer.cidr}${peer.except.length ? ` except ${peer.except.join(", ")}` : ""}`;
  const pods = peer.pods === "*" ? "every pod" : `pods ${peer.pods}`;
  if (peer.namespaces === "this namespace") return `${pods} of this namespace`;
  return `${pods} in ${peer.namespaces === "*" ? "every namespace" : `namespaces ${peer.namespaces}`}`;
}

const portsText = (ports: string[] | "all") => (ports === "all" ? "on every port" : `on ${ports.join(", ")}`);
const podsText = (pods: string) => (pods === "*" ? "every pod" : `pods ${pods}`);
const connectionText = (c: Connection) =>
  `${describePeerText(c.peer)} ${portsText(c.ports)} (${podsText(c.pods)}, policy ${c.policy})`;

const reachesInternet = (peer: Peer) =>
  peer.type === "anywhere" || (peer.type === "ipBlock" && !isPrivateCidr(peer.cidr));
const leavesNamespace = (peer: Peer) => peer.type !== "pods" || peer.namespaces !== "this namespace";

function unrestrictedSentence(direction: DirectionAnalysis, word: "ingress" | "egress"): string {
  if (direction.isolatedPods.length === 0)
    return `No policy restricts ${word}: every pod ${word === "ingress" ? "accepts connections from" : "may connect to"} any address.`;
  const openings = direction.allowed.length === 0 ? "nothing" : direction.allowed.map(connectionText).join("; ");
  return `Pods not matching ${direction.isolatedPods.join(" or ")} are not restricted in ${word} at all; those matching allow only: ${openings}.`;
}

/**
 * What an environment's NetworkPolicies let through, by Kubernetes' NetworkPolicy semantics: policies add up;
 * a pod that no policy of a direction selects is unrestricted in that direction; a rule without from/to
 * allows every peer, one without ports every port; policyTypes default to Ingress (+ Egress with egress
 * rules). Pure: about the policies given, not about which pods exist. Excepts of an ipBlock are listed but
 * not subtracted when judging "internet", so that verdict errs towards caution.
 */
export function analyseNetwork(policies: V1NetworkPolicy[]): NetworkAnalysis {
  const ingress = analyseDirection(policies, "Ingress");
  const egress = analyseDirection(policies, "Egress");
  const allowedFrom = [...new Set(ingress.allowed.map((c) => describePeerText(c.peer)))];
  const allowedTo = [...new Set(egress.allowed.map((c) => describePeerText(c.peer)))];
  const internet = !egress.defaultDeny || egress.allowed.some((c) => reachesInternet(c.peer));
  const leaves = !egress.defaultDeny || egress.allowed.some((c) => leavesNamespace(c.peer));

  const sentences: string[] = [];
  if (ingress.defaultDeny) {
    sentences.push(
      ingress.allowed.length === 0
        ? "No ingress: every pod refuses every incoming connection."
        : `Ingress is denied to every pod except from: ${ingress.allowed.map(connectionText).join("; ")}.`,
    );
  } else sentences.push(unrestrictedSentence(ingress, "ingress"));
  const outward = egress.allowed.filter((c) => leavesNamespace(c.peer));
  if (egress.defaultDeny) {
    sentences.push(
      outward.length === 0
        ? "No egress leaves the namespace."
        : `No egress leaves the namespace except to: ${outward.map(connectionText).join("; ")}.`,
    );
  } else sentences.push(unrestrictedSentence(egress, "egress"));
  sentences.push(internet ? "Egress to the internet is possible." : "No egress to the internet.");
  return {
    ingress: { ...ingress, allowedFrom },
    egress: { ...egress, internet, leavesNamespace: leaves, allowedTo },
    sentences,
  };
}
