import type { V1NetworkPolicy, V1NetworkPolicySpec } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { examplePermit, withPersons } from "../permits/test-fixtures";
import { PERMIT_TOOL_NAMES } from "../tools/tool-registry";
import { desiredObjects } from "./desired/index";
import { stagingPort } from "./desired/network-policies";
import { defaultEnvironmentConfig as config } from "./environment-config";
import { analyseNetwork, effectivePolicyTypes, isPrivateCidr } from "./network-analysis";

const policy = (name: string, spec: V1NetworkPolicySpec): V1NetworkPolicy => ({ metadata: { name }, spec });
const denyAll = policy("deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const gatewayPeer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
  podSelector: { matchLabels: { "app.kubernetes.io/component": "gateway" } },
};

describe("analyseNetwork on the policies desiredObjects applies", () => {
  const profiles = [
    { cpu: "4", memory: "16Gi", storage: "50Gi" },
    { cpu: "500m", memory: "512Mi", storage: "100Mi" },
  ];
  const cases = PERMIT_TOOL_NAMES.flatMap((tool) =>
    profiles.flatMap((profile) =>
      (["active", "suspended"] as const).map((desiredState) => ({ tool, profile, desiredState })),
    ),
  );
  it.each(cases)(
    "$tool, $profile.cpu CPU, $desiredState: no internet, in only from the gateway and the orchestrator (airlock), out only to the orchestrator and DNS, and only from the loader",
    ({ tool, profile, desiredState }) => {
      const permit = examplePermit({ environment: { tools: [tool], ...profile } });
      const policies = desiredObjects(withPersons({ namespace: "spe-x", permit, desiredState }), config).filter(
        (o): o is V1NetworkPolicy => o.kind === "NetworkPolicy",
      );
      const analysis = analyseNetwork(policies);
      expect(analysis.egress).toMatchObject({ defaultDeny: true, internet: false, leavesNamespace: true });
      expect(analysis.egress.allowed).toEqual([
        {
          policy: "allow-loader-to-orchestrator",
          pods: "app.kubernetes.io/component=data-loader",
          peer: {
            type: "pods",
            namespaces: "kubernetes.io/metadata.name=spe-system",
            pods: "app.kubernetes.io/component=orchestrator",
          },
          ports: [`TCP/${stagingPort(config)}`],
        },
        {
          policy: "allow-loader-to-cluster-dns",
          pods: "app.kubernetes.io/component=data-loader",
          peer: { type: "pods", namespaces: "kubernetes.io/metadata.name=kube-system", pods: "k8s-app=kube-dns" },
          ports: ["UDP/53", "TCP/53"],
        },
      ]);
      expect(analysis.ingress.defaultDeny).toBe(true);
      expect(analysis.ingress.allowed).toEqual([
        {
          policy: "allow-gateway-to-workspace",
          pods: "app.kubernetes.io/component=workspace",
          peer: {
            type: "pods",
            namespaces: "kubernetes.io/metadata.name=spe-system",
            pods: "app.kubernetes.io/component=orchestrator",
          },
          ports: [`TCP/${config.workspacePort}`],
        },
        {
          policy: "allow-orchestrator-to-airlock",
          pods: "app.kubernetes.io/component=airlock",
          peer: {
            type: "pods",
            namespaces: "kubernetes.io/metadata.name=spe-system",
            pods: "app.kubernetes.io/component=orchestrator",
          },
          ports: [`TCP/${config.airlockPort}`],
        },
      ]);
      // The gateway runs in the orchestrator's pods: one source, on two ports.
      expect(analysis.ingress.allowedFrom).toEqual([
        "pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system",
      ]);
      expect(analysis.sentences).toEqual([
        "Ingress is denied to every pod except from: pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system on TCP/8888 (pods app.kubernetes.io/component=workspace, policy allow-gateway-to-workspace); pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system on TCP/8090 (pods app.kubernetes.io/component=airlock, policy allow-orchestrator-to-airlock).",
        "No egress leaves the namespace except to: pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system on TCP/8082 (pods app.kubernetes.io/component=data-loader, policy allow-loader-to-orchestrator); pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system on UDP/53, TCP/53 (pods app.kubernetes.io/component=data-loader, policy allow-loader-to-cluster-dns).",
        "No egress to the internet.",
      ]);
    },
  );
});

describe("analyseNetwork: NetworkPolicy semantics", () => {
  it("calls a namespace without policies open both ways", () => {
    const analysis = analyseNetwork([]);
    expect(analysis.ingress).toMatchObject({ defaultDeny: false, isolatedPods: [], allowed: [] });
    expect(analysis.egress).toMatchObject({ defaultDeny: false, internet: true, leavesNamespace: true });
    expect(analysis.sentences).toEqual([
      "No policy restricts ingress: every pod accepts connections from any address.",
      "No policy restricts egress: every pod may connect to any address.",
      "Egress to the internet is possible.",
    ]);
  });

  it("leaves pods that no policy of a direction selects unrestricted in it", () => {
    const analysis = analyseNetwork([
      policy("workspace-only", {
        podSelector: { matchLabels: { app: "workspace" } },
        policyTypes: ["Ingress", "Egress"],
      }),
    ]);
    expect(analysis.egress).toMatchObject({ defaultDeny: false, isolatedPods: ["app=workspace"], internet: true });
    expect(analysis.sentences[1]).toBe(
      "Pods not matching app=workspace are not restricted in egress at all; those matching allow only: nothing.",
    );
  });

  it("defaults policyTypes to Ingress, plus Egress only when there are egress rules", () => {
    expect(effectivePolicyTypes(policy("a", { podSelector: {} }))).toEqual(["Ingress"]);
    expect(effectivePolicyTypes(policy("b", { podSelector: {}, egress: [] }))).toEqual(["Ingress"]);
    expect(effectivePolicyTypes(policy("c", { podSelector: {}, egress: [{ to: [gatewayPeer] }] }))).toEqual([
      "Ingress",
      "Egress",
    ]);
    // An ingress-only deny leaves egress open.
    const analysis = analyseNetwork([policy("deny-ingress", { podSelector: {} })]);
    expect(analysis.ingress.defaultDeny).toBe(true);
    expect(analysis.egress).toMatchObject({ defaultDeny: false, internet: true });
  });

  it.each([
    ["an empty rule", [{}]],
    ["a rule with an empty to list", [{ to: [] }]],
    ["a rule with only ports", [{ ports: [{ protocol: "UDP", port: 53 }] }]],
  ])("reads %s as every destination, the internet included", (_name, egress) => {
    const analysis = analyseNetwork([denyAll, policy("open", { podSelector: {}, policyTypes: ["Egress"], egress })]);
    expect(analysis.egress.allowed[0]!.peer).toEqual({ type: "anywhere" });
    expect(analysis.egress.internet).toBe(true);
    expect(analysis.egress.allowedTo).toEqual(["any address, inside or outside the cluster"]);
  });

  it.each([
    ["0.0.0.0/0", [], true],
    ["0.0.0.0/0", ["10.0.0.0/8"], true],
    ["::/0", [], true],
    ["8.8.8.8/32", [], true],
    ["10.100.0.0/24", [], false],
    ["172.20.1.0/24", [], false],
    ["fd00::/64", [], false],
    ["169.254.169.254/32", [], true],
  ])("judges egress to %s (except %j) as internet: %s", (cidr, except, internet) => {
    const analysis = analyseNetwork([
      denyAll,
      policy("mirror", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr, except } }] }] }),
    ]);
    expect(analysis.egress.internet).toBe(internet);
    expect(analysis.egress.allowed[0]!.peer).toEqual({ type: "ipBlock", cidr, except });
  });

  it("adds policies up and tells peers in this namespace, in selected namespaces and ports apart", () => {
    const analysis = analyseNetwork([
      denyAll,
      policy("same-namespace", {
        podSelector: { matchLabels: { app: "a" } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: "b" } } }], ports: [{ port: 5432 }] }],
      }),
      policy("any-namespace", {
        podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["x", "y"] }] },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: {} }],
            ports: [
              { protocol: "UDP", port: 53 },
              { port: 8000, endPort: 8999 },
            ],
          },
        ],
      }),
    ]);
    expect(analysis.egress.allowed.map((c) => [c.pods, c.peer, c.ports])).toEqual([
      ["app=a", { type: "pods", namespaces: "this namespace", pods: "app=b" }, ["TCP/5432"]],
      ["tier in (x,y)", { type: "pods", namespaces: "*", pods: "*" }, ["UDP/53", "TCP/8000-8999"]],
    ]);
    expect(analysis.egress).toMatchObject({ defaultDeny: true, internet: false, leavesNamespace: true });
    expect(analysis.egress.allowedTo).toEqual(["pods app=b of this namespace", "every pod in every namespace"]);
  });

  it("says no egress leaves the namespace when openings stay inside it", () => {
    const analysis = analyseNetwork([
      denyAll,
      policy("inside", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: {} }] }] }),
    ]);
    expect(analysis.egress.leavesNamespace).toBe(false);
    expect(analysis.sentences).toContain("No egress leaves the namespace.");
  });

  it("reads `from` as well as client-node's `_from`, as objects from JSON carry it", () => {
    const raw = JSON.parse(
      JSON.stringify({ metadata: { name: "raw" }, spec: { podSelector: {}, ingress: [{ from: [gatewayPeer] }] } }),
    ) as V1NetworkPolicy;
    expect(analyseNetwork([raw]).ingress.allowedFrom).toEqual([
      "pods app.kubernetes.io/component=gateway in namespaces kubernetes.io/metadata.name=spe-system",
    ]);
  });

  it.each([
    ["10.1.2.3/32", true],
    ["10.0.0.0/7", false],
    ["192.168.0.0/16", true],
    ["100.64.0.0/10", true],
    ["11.0.0.0/8", false],
    ["fc00::/7", true],
    ["2001:db8::/32", false],
  ])("isPrivateCidr(%s) is %s", (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
  });
});
