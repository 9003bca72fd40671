import type { V1Namespace, V1NetworkPolicy, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { networkPolicies } from "../../../orchestrator/src/environments/desired/network-policies";
import { COMPONENT_LABEL, ownedLabels } from "../../../orchestrator/src/kube/owned-labels";
import { defaultEnvironmentConfig as config } from "../../../orchestrator/src/environments/environment-config";
import { inCidr, nftScript } from "./ruleset";
import { matchesSelector } from "./selectors";

const CIDR = "10.244.0.0/24";
const pod = (
  namespace: string,
  name: string,
  ip: string,
  labels: Record<string, string>,
  phase = "Running",
): V1Pod => ({
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: "c", ports: [{ name: "http", containerPort: 8888 }] }] },
  status: { podIP: ip, phase },
});
const namespace = (name: string): V1Namespace => ({
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
});
/** What a watch delivers: plain JSON, where the client's model would say `_from`. */
const asWatched = (policy: V1NetworkPolicy) =>
  JSON.parse(JSON.stringify(policy).replaceAll('"_from"', '"from"')) as V1NetworkPolicy;

const env = "spe-env-a";
const policies = networkPolicies({ namespace: env }, config);
const view = (asDelivered: (p: V1NetworkPolicy) => V1NetworkPolicy) => ({
  namespaces: [namespace(env), namespace(config.platformNamespace), namespace("elsewhere")],
  policies: policies.map(asDelivered),
  pods: [
    pod(env, "workspace", "10.244.0.10", ownedLabels(env, "workspace")),
    pod(env, "airlock", "10.244.0.11", ownedLabels(env, "airlock")),
    pod(config.platformNamespace, "metrics", "10.244.0.20", { [COMPONENT_LABEL]: "metrics" }),
    pod(config.platformNamespace, "orchestrator", "10.244.0.21", { [COMPONENT_LABEL]: "orchestrator" }),
    pod("elsewhere", "impostor", "10.244.0.30", { [COMPONENT_LABEL]: "orchestrator" }),
    pod("elsewhere", "done", "10.244.0.31", {}, "Succeeded"),
  ],
});

describe("nftables rules from the orchestrator's NetworkPolicies", () => {
  for (const [how, asDelivered] of [
    ["as listed (the client's model)", (p: V1NetworkPolicy) => p],
    ["as a watch delivers them (plain JSON)", asWatched],
  ] as const) {
    it(`opens the workspace and airlock ports to the orchestrator's pods (which serve the gateway) alone, ${how}`, () => {
      const script = nftScript(view(asDelivered), CIDR, "spe-cni0");
      const ingressOf = (chain: string) =>
        new RegExp(`chain ${chain} \\{\\n([\\s\\S]*?)\\n {2}\\}`)
          .exec(script)?.[1]
          ?.trim()
          .split("\n")
          .map((l) => l.trim());
      // Each on its own pod: the workspace's port on the workspace, the agent's port on the airlock agent.
      expect(ingressOf("in_10_244_0_10")).toEqual([
        "ip saddr { 10.244.0.21 } meta l4proto tcp th dport 8888 return",
        "drop",
      ]);
      expect(ingressOf("in_10_244_0_11")).toEqual([
        `ip saddr { 10.244.0.21 } meta l4proto tcp th dport ${config.airlockPort} return`,
        "drop",
      ]);
    });
  }

  it("denies the workspace every egress and leaves pods without policies alone", () => {
    const script = nftScript(
      view((p) => p),
      CIDR,
      "spe-cni0",
    );
    expect(/chain eg_10_244_0_10 \{\n\s*drop\n\s*\}/.test(script)).toBe(true);
    expect(script).toContain("ip saddr 10.244.0.10 jump eg_10_244_0_10");
    expect(script).not.toContain("in_10_244_0_20");
    expect(script).not.toContain("eg_10_244_0_30");
  });

  it("knows only running pods' addresses, so anything else on the pod network is dropped", () => {
    const script = nftScript(
      view((p) => p),
      CIDR,
      "spe-cni0",
    );
    expect(script).toContain("elements = { 10.244.0.10, 10.244.0.11, 10.244.0.20, 10.244.0.21, 10.244.0.30 }");
    expect(script).toContain("ip saddr 10.244.0.0/24 ip saddr != @pods drop");
  });

  it("drops IPv6 on the pod bridge, which no policy could name (pods have link-local addresses only)", () => {
    const script = nftScript(
      view((p) => p),
      CIDR,
      "spe-cni0",
    );
    const forward = script.slice(script.indexOf("chain forward"));
    expect(forward.indexOf('meta nfproto ipv6 iifname "spe-cni0" drop')).toBeLessThan(
      forward.indexOf("ct state established,related accept"),
    );
    expect(forward).toContain('meta nfproto ipv6 oifname "spe-cni0" drop');
    expect(script.slice(script.indexOf("chain input"))).toContain('meta nfproto ipv6 iifname "spe-cni0" drop');
  });
});

describe("label selectors and addresses", () => {
  it.each([
    [{ a: "1" }, { matchLabels: { a: "1" } }, true],
    [{ a: "1" }, { matchLabels: { a: "2" } }, false],
    [{ a: "1" }, { matchExpressions: [{ key: "a", operator: "In", values: ["1", "2"] }] }, true],
    [{ a: "1" }, { matchExpressions: [{ key: "a", operator: "NotIn", values: ["1"] }] }, false],
    [{}, { matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, true],
    [{ a: "1" }, { matchExpressions: [{ key: "a", operator: "Exists" }] }, true],
    [{ a: "1" }, { matchExpressions: [{ key: "a", operator: "Sometimes" }] }, false],
    [{ a: "1" }, {}, true],
  ])("labels %j, selector %j → %s", (labels, selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
  });

  it.each([
    ["10.244.0.7", "10.244.0.0/24", true],
    ["10.244.1.7", "10.244.0.0/24", false],
    ["10.244.1.7", "10.0.0.0/8", true],
    ["192.0.2.2", "0.0.0.0/0", true],
    ["not-an-ip", "10.0.0.0/8", false],
  ])("%s in %s → %s", (ip, cidr, expected) => {
    expect(inCidr(ip, cidr)).toBe(expected);
  });
});
