// The program's package mirror settings, under Pulumi's mocks: a Service at the fixed address the stack names, the
// mirror's port open to environments' workspaces alone, the index's addresses the orchestrator's one new way out,
// and settings the orchestrator's own config and environment policies agree with.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../orchestrator/src/config";
import { mirrorEgressPolicy, pipEnvironment } from "../../orchestrator/src/environments/desired/package-mirror";
import type { EnvironmentInput } from "../../orchestrator/src/environments/desired/environment-input";
import { examplePermit } from "../../orchestrator/src/permits/test-fixtures";
import { EXAMPLE_SECRET_KEYS, exampleStackConfig } from "./example-stack";
import { mockRuntime, settled, type RegisteredResource } from "./mock-runtime";
import { parseStackConfig } from "./stack-config";

/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON here */

const MIRROR = {
  clusterIP: "10.96.0.83",
  // Documentation addresses standing in for the index's and its file host's.
  upstream: { network: { cidrs: ["192.0.2.0/28", "198.51.100.0/28"] } },
  defaultSoftware: "allowlisted",
};

async function run(packageMirror?: unknown): Promise<RegisteredResource[]> {
  vi.resetModules();
  const config = exampleStackConfig();
  if (packageMirror) config.packageMirror = JSON.stringify(packageMirror);
  const resources = await mockRuntime(config, EXAMPLE_SECRET_KEYS);
  await import("./index");
  await settled();
  return resources;
}

const ofType = (resources: RegisteredResource[], type: string) =>
  resources.filter((r) => r.type === type).map((r) => r.inputs as any);
const named = (resources: RegisteredResource[], type: string, name: string) =>
  ofType(resources, type).filter((i) => i.metadata.name === name);
const policy = (resources: RegisteredResource[], name: string) =>
  named(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name);
const container = (resources: RegisteredResource[]) =>
  ofType(resources, "kubernetes:apps/v1:Deployment")[0].spec.template.spec.containers[0];
const orchestratorLabels = (resources: RegisteredResource[]) =>
  ofType(resources, "kubernetes:apps/v1:Deployment")[0].spec.template.metadata.labels;
const plainEnv = (resources: RegisteredResource[]) =>
  Object.fromEntries(
    (container(resources).env as any[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
  );
/** The orchestrator's reading of its mirror settings, as it parses them at start. */
const orchestratorConfig = (resources: RegisteredResource[]) => {
  const env = plainEnv(resources);
  const keys = ["ENVIRONMENT_SETTINGS", "MIRROR_PORT", "MIRROR_HOST", "MIRROR_UPSTREAM"];
  return parseConfig(Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]])));
};
const egressBlocks = (resources: RegisteredResource[]) =>
  ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .filter((p) => p.spec.egress)
    .flatMap((p) =>
      p.spec.egress.flatMap((r: any) =>
        r.to
          .filter((t: any) => t.ipBlock)
          .map((t: any) => `${t.ipBlock.cidr}:${r.ports.map((x: any) => x.port).join()}`),
      ),
    );
const BASE_EGRESS = ["10.0.0.1/32:6443", "10.20.0.0/28:5432", "10.30.1.10/32:443", "192.168.10.5/32:6443"];

/** An environment whose permit allows installs, as the orchestrator builds its objects. */
function environmentOf(software: "allowlisted" | "none"): EnvironmentInput {
  const permit = examplePermit();
  return {
    namespace: "spe-se-hdab-2026-0042",
    permit: { ...permit, environment: { ...permit.environment, software } },
    desiredState: "active",
    persons: [],
  };
}

describe("without a package mirror", () => {
  it("makes no Service, opens no way in or out, and leaves every environment without installs", async () => {
    const resources = await run();
    expect(named(resources, "kubernetes:core/v1:Service", "orchestrator-mirror")).toEqual([]);
    expect(policy(resources, "allow-workspaces-to-mirror")).toEqual([]);
    expect(egressBlocks(resources).sort()).toEqual(BASE_EGRESS);
    expect(container(resources).ports.map((p: any) => p.name)).not.toContain("mirror");
    const config = orchestratorConfig(resources);
    // The listener stays on loopback inside the pod, where no workspace reaches it.
    expect(config.MIRROR_HOST).toBe("127.0.0.1");
    expect(config.environments.packageMirror.url).toBeUndefined();
    expect(mirrorEgressPolicy(environmentOf("allowlisted"), config.environments)).toEqual([]);
  });
});

describe("with a package mirror", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    resources = await run(MIRROR);
  });

  it("serves it at the fixed address, on the mirror's port alone", () => {
    const [service] = named(resources, "kubernetes:core/v1:Service", "orchestrator-mirror");
    expect(service.spec).toEqual({
      type: "ClusterIP",
      clusterIP: "10.96.0.83",
      selector: orchestratorLabels(resources),
      ports: [{ name: "mirror", port: 8083, targetPort: "mirror", protocol: "TCP" }],
    });
    expect(container(resources).ports).toContainEqual({ name: "mirror", containerPort: 8083, protocol: "TCP" });
    // The people's Service, behind the ingress, has no way to the mirror's listener.
    const [people] = named(resources, "kubernetes:core/v1:Service", "orchestrator");
    expect(people.spec.ports.map((p: any) => p.port)).toEqual([8080]);
  });

  it("tells the orchestrator where workspaces reach it and what it asks, in settings its config accepts", () => {
    const config = orchestratorConfig(resources);
    expect(config.environments.packageMirror).toEqual({
      url: "http://10.96.0.83:8083",
      defaultSoftware: "allowlisted",
    });
    expect(config).toMatchObject({ MIRROR_PORT: 8083, MIRROR_HOST: "0.0.0.0" });
    // No upstream URL in the stack: the orchestrator's own default index.
    expect(plainEnv(resources).MIRROR_UPSTREAM).toBeUndefined();
    expect(config.MIRROR_UPSTREAM).toBe(parseConfig({}).MIRROR_UPSTREAM);
  });

  it("asks the index the stack names, such as a caching proxy of the installation's own", async () => {
    const url = "https://packages.spe.internal/pypi/simple/";
    const proxied = await run({ ...MIRROR, upstream: { ...MIRROR.upstream, url } });
    expect(orchestratorConfig(proxied).MIRROR_UPSTREAM).toBe(url);
  });

  it("lets in only environments' workspaces, at the port their own egress policy opens", () => {
    const [ingress] = policy(resources, "allow-workspaces-to-mirror");
    expect(ingress.spec).toEqual({
      podSelector: { matchLabels: orchestratorLabels(resources) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchExpressions: [{ key: "spe.ehds.eu/environment", operator: "Exists" }] },
              podSelector: { matchLabels: { "app.kubernetes.io/component": "workspace" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8083 }],
        },
      ],
    });
    // The environment's side, as the orchestrator builds it from these settings: to the orchestrator's pods in
    // the platform namespace, at the port the platform lets in and the Service sends to.
    const { environments } = orchestratorConfig(resources);
    const [egress] = mirrorEgressPolicy(environmentOf("allowlisted"), environments);
    const rule = egress!.spec!.egress![0]!;
    expect(rule.ports).toEqual(ingress.spec.ingress[0].ports);
    expect(rule.to).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
        podSelector: { matchLabels: { "app.kubernetes.io/component": "orchestrator" } },
      },
    ]);
    expect(ingress.spec.podSelector.matchLabels["app.kubernetes.io/component"]).toBe("orchestrator");
    // pip is pointed at the Service's address, which needs no name resolution.
    const pip = pipEnvironment(environmentOf("allowlisted"), environments, {
      id: "0123456789abcdef0123",
      token: "t".repeat(64),
      mirrorPassword: "m".repeat(64),
    });
    expect(pip.find((e) => e.name === "PIP_TRUSTED_HOST")?.value).toBe("10.96.0.83:8083");
    expect(mirrorEgressPolicy(environmentOf("none"), environments)).toEqual([]);
  });

  it("opens the platform's egress to the index's addresses, and nothing else", () => {
    expect(egressBlocks(resources).sort()).toEqual([...BASE_EGRESS, "192.0.2.0/28:443", "198.51.100.0/28:443"].sort());
  });

  it("gives an IPv6 address to pip in brackets", async () => {
    const v6 = await run({ ...MIRROR, clusterIP: "fd00:10:96::83" });
    expect(orchestratorConfig(v6).environments.packageMirror.url).toBe("http://[fd00:10:96::83]:8083");
  });
});

describe("the stack's packageMirror setting", () => {
  const problems = (packageMirror: unknown, extra: Record<string, string> = {}) => {
    try {
      parseStackConfig(
        { ...exampleStackConfig(), packageMirror: JSON.stringify(packageMirror), ...extra },
        new Set(EXAMPLE_SECRET_KEYS),
      );
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected the packageMirror setting to be refused");
  };

  it.each<[string, unknown, RegExp]>([
    [
      "a host name for the Service",
      { ...MIRROR, clusterIP: "mirror.spe-system" },
      /packageMirror\.clusterIP: must be an address of the cluster's Service range/,
    ],
    ["no upstream", { ...MIRROR, upstream: undefined }, /packageMirror\.upstream: is required/],
    [
      "an upstream without addresses",
      { ...MIRROR, upstream: { url: "https://packages.spe.internal/pypi/simple/" } },
      /packageMirror\.upstream\.network: is required/,
    ],
    [
      "a plain-http upstream",
      { ...MIRROR, upstream: { ...MIRROR.upstream, url: "http://packages.spe.internal/pypi/simple/" } },
      /packageMirror\.upstream\.url: must be the https URL of a PEP 691 simple index/,
    ],
    [
      "an upstream with credentials",
      { ...MIRROR, upstream: { ...MIRROR.upstream, url: "https://u:pw@proxy.example/simple/" } },
      /packageMirror\.upstream\.url: must not carry credentials/,
    ],
    [
      "the whole internet as the upstream",
      { ...MIRROR, upstream: { network: { cidrs: ["0.0.0.0/0"] } } },
      /packageMirror\.upstream\.network\.cidrs\[0\]: must not be a \/0/,
    ],
    ["an unknown default", { ...MIRROR, defaultSoftware: "anything" }, /packageMirror\.defaultSoftware/],
    ["an unknown key", { ...MIRROR, url: "http://10.96.0.83:8083" }, /packageMirror: unknown key\(s\) url/],
  ])("refuses %s, naming the key", (_, packageMirror, message) => {
    expect(problems(packageMirror)).toMatch(message);
  });

  it("refuses metrics on the mirror's port", () => {
    expect(problems(MIRROR, { metrics: JSON.stringify({ port: 8083, scraperNamespace: "monitoring" }) })).toMatch(
      /spe:metrics\.port: must not be 8083, the workspaces' package mirror port/,
    );
  });
});
