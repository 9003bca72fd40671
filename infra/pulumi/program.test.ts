// What the Pulumi program would create, run against Pulumi's mock monitor: the security-relevant
// properties of every object, checked on the inputs the engine would receive.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseConfig } from "../../orchestrator/src/config";
import { EXAMPLE_SECRET_KEYS, EXAMPLE_SECRETS, EXAMPLE_TRUSTED_ISSUERS, exampleStackConfig } from "./example-stack";
import { isSecretValue, mockRuntime, settled, stringsIn, type RegisteredResource } from "./mock-runtime";

/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON here */

const policies = fileURLToPath(new URL("../../policies/", import.meta.url));
const yamlObjects = (path: string) =>
  parseAllDocuments(readFileSync(policies + path, "utf8")).map((d) => d.toJS() as any);

let resources: RegisteredResource[];
const ofType = (type: string) => resources.filter((r) => r.type === type).map((r) => r.inputs as any);
const one = (type: string, name: string) => {
  const found = ofType(type).filter((i) => i.metadata?.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  resources = await mockRuntime(exampleStackConfig(), EXAMPLE_SECRET_KEYS);
  // The program declares everything when imported, so the mocks and config must be in place first.
  await import("./index");
  await settled();
});

describe("the platform namespace", () => {
  it("enforces Pod Security restricted", () => {
    const ns = one("kubernetes:core/v1:Namespace", "spe-system");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("denies all ingress and egress by default", () => {
    const deny = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny-all");
    expect(deny.metadata.namespace).toBe("spe-system");
    expect(deny.spec.podSelector).toEqual({});
    expect([...deny.spec.policyTypes].sort()).toEqual(["Egress", "Ingress"]);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });

  it("lets traffic into the orchestrator only on its port, into its staging port only from environments' loaders, and into its metrics port only from the scrapers' namespace", () => {
    const policies = ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => p.spec.ingress);
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      "allow-loaders-to-staging",
      "allow-metrics-scrape",
      "allow-orchestrator-ingress",
    ]);
    expect(one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-orchestrator-ingress").spec.ingress).toEqual([
      { ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
    expect(one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-loaders-to-staging").spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchExpressions: [{ key: "spe.ehds.eu/environment", operator: "Exists" }] },
            podSelector: { matchLabels: { "app.kubernetes.io/component": "data-loader" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8082 }],
      },
    ]);
    expect(one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-metrics-scrape").spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ protocol: "TCP", port: 9464 }],
      },
    ]);
    for (const policy of policies)
      expect(policy.spec.podSelector.matchLabels["app.kubernetes.io/component"]).toBe("orchestrator");
  });

  it("lets the orchestrator out only to DNS, the API server, PostgreSQL, the OpenID Provider and environments", () => {
    const egress = ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => p.spec.egress);
    expect(egress).toHaveLength(1);
    const rules = egress[0].spec.egress as any[];
    for (const rule of rules)
      expect(rule.to?.length, "an egress rule without destinations opens everything").toBeGreaterThan(0);
    const blocks = rules.flatMap((r) =>
      r.to.filter((p: any) => p.ipBlock).map((p: any) => `${p.ipBlock.cidr}:${r.ports.map((x: any) => x.port).join()}`),
    );
    expect(blocks.sort()).toEqual([
      "10.0.0.1/32:6443",
      "10.20.0.0/28:5432",
      "10.30.1.10/32:443",
      "192.168.10.5/32:6443",
    ]);
    const dns = rules.find((r) => r.to[0].podSelector?.matchLabels?.["k8s-app"] === "kube-dns");
    expect(dns.ports.map((p: any) => `${p.protocol}/${p.port}`).sort()).toEqual(["TCP/53", "UDP/53"]);
    const environments = rules.find((r) => r.to[0].namespaceSelector?.matchExpressions);
    expect(environments.to[0].namespaceSelector.matchExpressions).toEqual([
      { key: "spe.ehds.eu/environment", operator: "Exists" },
    ]);
    expect(environments.ports.map((p: any) => p.port).sort()).toEqual([8090, 8888]);
    expect(rules).toHaveLength(5);
  });
});

describe("the orchestrator's rights", () => {
  const [fileClusterRole, fileLeaseRole] = yamlObjects("rbac/orchestrator.yaml");

  it("are the ClusterRole of policies/rbac/orchestrator.yaml, rule for rule", () => {
    expect(one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "spe-orchestrator").rules).toEqual(
      fileClusterRole.rules,
    );
    expect(one("kubernetes:rbac.authorization.k8s.io/v1:Role", "spe-orchestrator-leader-election")).toMatchObject({
      metadata: { namespace: "spe-system" },
      rules: fileLeaseRole.rules,
    });
  });

  it("include no Secrets, no wildcard and nothing that widens rights", () => {
    const rules = [
      ...ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"),
      ...ofType("kubernetes:rbac.authorization.k8s.io/v1:Role"),
    ].flatMap((r) => r.rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.resources).not.toContain("secrets");
      expect(rule.resources).not.toContain("*");
      expect(rule.apiGroups).not.toContain("*");
      // Roles and bindings someone else made in an environment are removed (foreign objects): reading and
      // deleting them is all; creating, changing, binding or escalating would widen rights.
      if (rule.apiGroups?.includes("rbac.authorization.k8s.io"))
        expect(rule.verbs.filter((v: string) => !["get", "list", "watch", "delete"].includes(v))).toEqual([]);
      for (const verb of ["*", "bind", "escalate", "impersonate"]) expect(rule.verbs).not.toContain(verb);
    }
  });

  it("are bound to the orchestrator's ServiceAccount, whose user name the admission policies trust", () => {
    const subject = [{ kind: "ServiceAccount", name: "spe-orchestrator", namespace: "spe-system" }];
    expect(one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "spe-orchestrator")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "spe-orchestrator" },
      subjects: subject,
    });
    expect(
      one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "spe-orchestrator-leader-election"),
    ).toMatchObject({ roleRef: { kind: "Role" }, subjects: subject });
    expect(one("kubernetes:core/v1:ServiceAccount", "spe-orchestrator").automountServiceAccountToken).toBe(false);
    const parameters = one("kubernetes:core/v1:ConfigMap", "spe-admission-parameters");
    expect(parameters.data.orchestratorUsername).toBe("system:serviceaccount:spe-system:spe-orchestrator");
  });
});

describe("the admission policies", () => {
  const fileObjects = readdirSync(`${policies}admission`)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => yamlObjects(`admission/${f}`));

  it("include the ones every environment relies on", () => {
    const names = ofType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding").map(
      (o) => o.metadata.name,
    );
    for (const name of ["credentials", "egress", "exposure", "isolation", "namespace", "pods"])
      expect(names).toContain(`spe-environment-${name}`);
    expect(names).toContain("spe-orchestrator-scope");
  });

  it("are every policy and binding of policies/admission/, as the files state them", () => {
    for (const kind of ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]) {
      const expected = fileObjects.filter((o) => o.kind === kind);
      const created = ofType(`kubernetes:admissionregistration.k8s.io/v1:${kind}`);
      expect(created.map((o) => o.metadata.name).sort()).toEqual(expected.map((o) => o.metadata.name).sort());
      for (const o of expected)
        expect(one(`kubernetes:admissionregistration.k8s.io/v1:${kind}`, o.metadata.name).spec).toEqual(o.spec);
    }
  });

  it("deny, with every binding naming a policy that exists and failing closed without parameters", () => {
    const names = new Set(
      ofType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").map((p) => p.metadata.name),
    );
    for (const binding of ofType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")) {
      expect(names.has(binding.spec.policyName)).toBe(true);
      expect(binding.spec.validationActions).toEqual(["Deny"]);
      if (binding.spec.paramRef)
        expect(binding.spec.paramRef).toMatchObject({
          name: "spe-admission-parameters",
          namespace: "spe-system",
          parameterNotFoundAction: "Deny",
        });
    }
    for (const policy of ofType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"))
      expect(policy.spec.failurePolicy).toBe("Fail");
  });

  it("read their parameters from the stack config", () => {
    expect(one("kubernetes:core/v1:ConfigMap", "spe-admission-parameters").data).toEqual({
      orchestratorUsername: "system:serviceaccount:spe-system:spe-orchestrator",
      breakGlassGroups: "system:masters",
      imageRegistryPrefix: "registry.spe.internal/spe/",
      egressAllowedCIDRs: "10.100.0.0/24",
    });
  });
});

describe("the orchestrator", () => {
  const deployment = () => one("kubernetes:apps/v1:Deployment", "orchestrator");
  const podSpec = () => deployment().spec.template.spec;

  it("runs at least two replicas, kept available by a PodDisruptionBudget", () => {
    expect(deployment().spec.replicas).toBeGreaterThanOrEqual(2);
    const pdb = one("kubernetes:policy/v1:PodDisruptionBudget", "orchestrator");
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.selector).toEqual(deployment().spec.selector);
    expect(deployment().spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
  });

  it("runs every container restricted: non-root numeric uid, no privilege, no capabilities, RuntimeDefault seccomp, read-only root", () => {
    const pod = podSpec();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) expect(pod[field]).toBeFalsy();
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([]);
    const containers = [...pod.containers, ...(pod.initContainers ?? [])];
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.securityContext.capabilities.add).toBeUndefined();
      expect(Number.isInteger(c.securityContext.runAsUser ?? pod.securityContext.runAsUser)).toBe(true);
      expect(c.image.startsWith("registry.spe.internal/spe/")).toBe(true);
      expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  it("writes only to an emptyDir /tmp and its data volume", () => {
    const [container] = podSpec().containers;
    const writable = container.volumeMounts
      .filter((m: any) => !m.readOnly)
      .map((m: any) => m.mountPath)
      .sort();
    expect(writable).toEqual(["/tmp", "/var/lib/spe"]);
    expect(podSpec().volumes.find((v: any) => v.name === "tmp").emptyDir).toBeDefined();
  });

  it("is probed on /healthz for liveness and readiness", () => {
    const [container] = podSpec().containers;
    expect(container.livenessProbe.httpGet).toMatchObject({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: "/healthz", port: "http" });
    expect(container.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "staging", containerPort: 8082, protocol: "TCP" },
      { name: "metrics", containerPort: 9464, protocol: "TCP" },
    ]);
    const env = Object.fromEntries(
      container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]),
    );
    // On the pod's address: the NetworkPolicy, not the bind address, keeps everyone but the scrapers out.
    expect(env).toMatchObject({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" });
  });

  it("is reachable where data loaders fetch staged extracts, through a Service of the staging port alone", () => {
    const people = one("kubernetes:core/v1:Service", "orchestrator");
    expect(people.spec.type).toBe("ClusterIP");
    expect(people.spec.sessionAffinity).toBeUndefined();
    // The Service an ingress for people points at has no way to /staging's listener.
    expect(people.spec.ports).toEqual([{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }]);
    const service = one("kubernetes:core/v1:Service", "orchestrator-staging");
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.ports).toEqual([{ name: "staging", port: 8082, targetPort: "staging", protocol: "TCP" }]);
    const url = `http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${service.spec.ports[0].port}/`;
    const env = Object.fromEntries(
      podSpec()
        .containers[0].env.filter((e: any) => e.value !== undefined)
        .map((e: any) => [e.name, e.value]),
    );
    const { environments, STAGING_PORT } = parseConfig({
      ENVIRONMENT_SETTINGS: env.ENVIRONMENT_SETTINGS,
      STAGING_PORT: env.STAGING_PORT,
    });
    expect(environments.stagingUrl.startsWith(url)).toBe(true);
    expect(STAGING_PORT).toBe(8082);
    expect(env.STAGING_HOST).toBe("0.0.0.0");
    // The registry the environments pull from is the one the admission policies allow.
    expect(environments.imageRegistry).toBe(
      (JSON.parse(exampleStackConfig().images!) as { registry: string }).registry,
    );
  });

  it("gets an environment the orchestrator's own config schema accepts in production", () => {
    const secretData = pulumiUnwrap(
      one("kubernetes:core/v1:Secret", "spe-orchestrator-credentials").stringData,
    ) as Record<string, unknown>;
    const env = Object.fromEntries(
      podSpec().containers[0].env.map((e: any) => [
        e.name,
        e.value ?? pulumiUnwrap(secretData[e.valueFrom.secretKeyRef.key]),
      ]),
    );
    const parsed = parseConfig(env) as Record<string, unknown>;
    // ENVIRONMENT_SETTINGS is parsed into `environments` (checked above, with the Service); WORKSPACE_DOMAIN
    // into `workspaceDomain`.
    const renamed = new Set(["HOME", "ENVIRONMENT_SETTINGS", "WORKSPACE_DOMAIN"]);
    for (const name of Object.keys(env).filter((n) => !renamed.has(n)))
      expect(parsed, `${name} is not a setting of orchestrator/src/config.ts`).toHaveProperty(name);
    expect(parsed).toMatchObject({
      workspaceDomain: exampleStackConfig().workspaceDomain,
      NODE_ENV: "production",
      DATABASE_URL: EXAMPLE_SECRETS.databaseUrl,
      OIDC_CLIENT_SECRET: EXAMPLE_SECRETS.oidcClientSecret,
      OIDC_REQUIRED_AMR: ["mfa"],
    });
  });

  it("reads the trusted issuers and a kubeconfig for its own ServiceAccount token from a ConfigMap", () => {
    const files = one("kubernetes:core/v1:ConfigMap", "spe-orchestrator-files").data;
    expect(JSON.parse(files["trusted-issuers.json"])).toEqual(EXAMPLE_TRUSTED_ISSUERS);
    expect(files.kubeconfig).toContain("tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token");
    expect(podSpec().automountServiceAccountToken).toBe(true);
    expect(podSpec().serviceAccountName).toBe("spe-orchestrator");
  });
});

describe("credentials", () => {
  it("are Pulumi secrets in exactly one Kubernetes Secret and nowhere else", () => {
    for (const secret of Object.values(EXAMPLE_SECRETS)) {
      const places = resources.flatMap((r) =>
        stringsIn(r.inputs)
          .filter((s) => s.text.includes(secret))
          .map((s) => ({ type: r.type, secret: s.secret })),
      );
      expect(places).toEqual([{ type: "kubernetes:core/v1:Secret", secret: true }]);
    }
    // The SDK marks the whole stringData secret when any value in it is.
    expect(isSecretValue(one("kubernetes:core/v1:Secret", "spe-orchestrator-credentials").stringData)).toBe(true);
  });

  it("reach the orchestrator only by reference, never as a plain env value", () => {
    const env = one("kubernetes:apps/v1:Deployment", "orchestrator").spec.template.spec.containers[0].env as any[];
    for (const name of ["DATABASE_URL", "OIDC_CLIENT_SECRET"]) {
      const entry = env.find((e) => e.name === name);
      expect(entry.value).toBeUndefined();
      expect(entry.valueFrom.secretKeyRef.name).toBe("spe-orchestrator-credentials");
    }
  });

  it("mount the keys from the Secrets the stack config names, not from Pulumi's state", () => {
    const pod = one("kubernetes:apps/v1:Deployment", "orchestrator").spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.name === "pseudonymisation-key");
    expect(volume.secret).toMatchObject({
      secretName: "spe-pseudonymisation-key",
      items: [{ key: "master.key", path: "master.key" }],
    });
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      PSEUDONYMISATION_KEY_FILE: "/etc/spe/keys/pseudonymisation-key/master.key",
      SIGNING_KEY_FILE: "/etc/spe/keys/release-signing-key/release-signing.jwk",
      STAGING_KEY_FILE: "/etc/spe/keys/staging-key/staging.key",
      COOKIE_SECRET_FILE: "/etc/spe/keys/cookie-key/cookie.key",
    });
    // The credentials Secret is the only one the program makes: the keys are never in Pulumi's state.
    expect(ofType("kubernetes:core/v1:Secret")).toHaveLength(1);
  });

  it("stored in plain text in the stack are refused before anything is declared", async () => {
    vi.resetModules();
    const again = await mockRuntime(exampleStackConfig(), ["oidcClientSecret"]);
    await expect(import("./index")).rejects.toThrow(/spe:databaseUrl: must be stored as a secret/);
    await settled();
    expect(again).toEqual([]);
  });
});

/** The mocks hand secrets over wrapped; the orchestrator would see the plain value. */
function pulumiUnwrap(value: unknown): unknown {
  return isSecretValue(value) ? (value as { value: unknown }).value : value;
}
