// What the program declares, given to the real local API server: every object must be accepted as it is
// (schema, CEL of the admission policies, Pod Security "restricted"), and applying it a second time must
// change nothing. This stands in for `pulumi up`, whose Kubernetes provider plugin cannot be fetched or built
// here; the objects are the inputs the engine would hand the provider.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { EXAMPLE_SECRET_KEYS, exampleStackConfig } from "./example-stack";
import { mockRuntime, settled, type RegisteredResource } from "./mock-runtime";

const FIELD_MANAGER = "spe-pulumi-program-test";

/** `kubernetes:apps/v1:Deployment` → apps/v1 Deployment; the core group has no name in apiVersion. */
function toObject({ type, inputs }: RegisteredResource): k8s.KubernetesObject {
  const [, groupVersion, kind] = type.split(":") as [string, string, string];
  return { ...(unwrapSecrets(inputs) as object), apiVersion: groupVersion.replace(/^core\//, ""), kind };
}

function unwrapSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** The parts of `live` that `declared` names, so that server-set fields do not count as changes. */
function pick(live: unknown, declared: unknown): unknown {
  if (Array.isArray(declared) && Array.isArray(live)) return declared.map((d, i) => pick(live[i], d));
  if (declared && typeof declared === "object" && live && typeof live === "object")
    return Object.fromEntries(
      Object.keys(declared).map((k) => [
        k,
        pick((live as Record<string, unknown>)[k], (declared as Record<string, unknown>)[k]),
      ]),
    );
  return live;
}

async function declaredObjects(): Promise<RegisteredResource[]> {
  vi.resetModules();
  const registered = await mockRuntime(exampleStackConfig(), EXAMPLE_SECRET_KEYS);
  await import("./index");
  await settled();
  return registered.filter((r) => r.type.startsWith("kubernetes:"));
}

const objectsApi = () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject("kubeconfig"));
  return { objects: k8s.KubernetesObjectApi.makeApiClient(kc), core: kc.makeApiClient(k8s.CoreV1Api) };
};

async function accepted<T>(what: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    const body = err instanceof k8s.ApiException ? String(err.body) : String(err);
    throw new Error(`The API server refused ${what}: ${body}`);
  }
}

describe("the program's objects against the real API server", () => {
  let declared: RegisteredResource[];
  let namespaced: k8s.KubernetesObject[];
  let clusterScoped: k8s.KubernetesObject[];
  // The platform's namespaced objects go to a namespace of this test's own, not spe-system: the shared
  // test cluster's spe-system belongs to the local install that every other test relies on.
  const namespace = `spe-pulumi-${randomBytes(3).toString("hex")}`;
  const { objects, core } = objectsApi();

  beforeAll(async () => {
    declared = await declaredObjects();
    const all = declared.map(toObject);
    namespaced = all
      .filter((o) => o.metadata?.namespace)
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
    clusterScoped = all.filter((o) => !o.metadata?.namespace);
    const platform = clusterScoped.find((o) => o.kind === "Namespace")!;
    await objects.create({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: platform.metadata!.labels },
    });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("declares the same objects every time it runs (a second `up` would change nothing)", async () => {
    const again = await declaredObjects();
    const key = (r: RegisteredResource) => `${r.type} ${r.name}`;
    const sorted = (rs: RegisteredResource[]) =>
      [...rs].sort((a, b) => key(a).localeCompare(key(b))).map((r) => ({ ...r, inputs: unwrapSecrets(r.inputs) }));
    expect(sorted(again)).toEqual(sorted(declared));
  });

  it("has every cluster-wide object accepted (server-side dry run)", async () => {
    const kinds = clusterScoped.map((o) => o.kind).sort();
    expect(new Set(kinds)).toEqual(
      new Set([
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
      ]),
    );
    for (const object of clusterScoped)
      await accepted(
        `${object.kind} ${object.metadata?.name}`,
        objects.patch(object, undefined, "All", FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply),
      );
  });

  it("applies every namespaced object, and a second apply changes none of them", async () => {
    // What the second apply leaves of each object: the fields the program declares, and the generation
    // (bumped by any spec change). Not the resourceVersion: controllers write the status of some in between.
    const applyAll = async () => {
      const result: Record<string, unknown> = {};
      for (const object of namespaced) {
        const applied = await accepted(
          `${object.kind} ${object.metadata?.name}`,
          objects.patch(object, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply),
        );
        result[`${object.kind}/${object.metadata?.name}`] = {
          declared: pick(applied, object),
          generation: applied.metadata?.generation,
        };
      }
      return result;
    };
    const first = await applyAll();
    expect(Object.keys(first).sort()).toEqual(
      [
        "ConfigMap/spe-admission-parameters",
        "ConfigMap/spe-orchestrator-files",
        "NetworkPolicy/allow-loaders-to-staging",
        "Deployment/orchestrator",
        "NetworkPolicy/allow-orchestrator-egress",
        "NetworkPolicy/allow-metrics-scrape",
        "NetworkPolicy/allow-orchestrator-ingress",
        "NetworkPolicy/deny-all",
        "PersistentVolumeClaim/spe-orchestrator-data",
        "PodDisruptionBudget/orchestrator",
        "Role/spe-orchestrator-leader-election",
        "RoleBinding/spe-orchestrator-leader-election",
        "Secret/spe-orchestrator-credentials",
        "Service/orchestrator",
        "Service/orchestrator-staging",
        "ServiceAccount/spe-orchestrator",
      ].sort(),
    );
    expect(await applyAll()).toEqual(first);
  });

  it("runs a pod Pod Security 'restricted' admits, in a namespace where it refuses a privileged one", async () => {
    const deployment = namespaced.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
    const pod = (spec: k8s.V1PodSpec): k8s.V1Pod => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "orchestrator-probe", namespace },
      spec,
    });
    const template = deployment.spec!.template.spec!;
    await accepted(
      "the orchestrator's pod",
      core.createNamespacedPod({ namespace, body: pod(template), dryRun: "All" }),
    );

    // The same pod made privileged must be refused, or the first check proved nothing.
    const [container, ...rest] = template.containers;
    const privileged = {
      ...template,
      containers: [
        {
          ...container!,
          securityContext: { ...container!.securityContext, privileged: true, allowPrivilegeEscalation: true },
        },
        ...rest,
      ],
    };
    const refusal = await core.createNamespacedPod({ namespace, body: pod(privileged), dryRun: "All" }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(k8s.ApiException);
    expect(String((refusal as k8s.ApiException<unknown>).body)).toContain('violates PodSecurity \\"restricted');
  });
});
