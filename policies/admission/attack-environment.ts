// What the attack suites share: an environment namespace made the way the orchestrator makes it, the
// identities that attack it (every namespaced right in it, through a RoleBinding to cluster-admin) and the
// helpers that read a refusal.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { expect } from "vitest";
import { eventually } from "../../orchestrator/test/eventually";
import { desiredObjects } from "../../orchestrator/src/environments/desired/index";
import { defaultEnvironmentConfig as config } from "../../orchestrator/src/environments/environment-config";
import { applyObject } from "../../orchestrator/src/kube/apply";
import { examplePermit, exampleStagedDataset, withPersons } from "../../orchestrator/src/permits/test-fixtures";

export const load = (path: string, impersonate?: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  if (impersonate) kc.users = kc.users.map((u) => ({ ...u, impersonateUser: impersonate }));
  return kc;
};

/** The status and message of a refusal; fails the test if the request was accepted. */
export async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await request;
  } catch (err) {
    if (!(err instanceof k8s.ApiException)) throw err;
    return { code: err.code, message: (JSON.parse(err.body as string) as { message: string }).message };
  }
  throw new Error("the API server accepted it");
}

/** Expects a 403 from the named admission policy with a message that matches. */
export async function expectRefused(request: Promise<unknown>, policy: string, message: RegExp) {
  const r = await refusal(request);
  expect(r.code).toBe(403);
  expect(r.message).toContain(`ValidatingAdmissionPolicy '${policy}'`);
  expect(r.message).toMatch(message);
  return r;
}

export const unique = () => randomBytes(3).toString("hex");
export const image = `${config.imageRegistry}/${config.images.jupyterlab}`;
export const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/** A pod spec that Pod Security restricted and our policies both admit; each case breaks one thing. */
export const goodSpec = (): k8s.V1PodSpec => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    { name: "main", image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } },
  ],
});

export type WorkloadKind = "Deployment" | "Job" | "CronJob" | "Pod";

/** A workload of the given kind around a pod spec; its pods (or the pod) carry `labels`. */
export function workload(
  kind: WorkloadKind,
  namespace: string,
  name: string,
  spec: k8s.V1PodSpec,
  labels: Record<string, string> = { app: name },
): k8s.KubernetesObject {
  const metadata = { name, namespace };
  const template = { metadata: { labels }, spec };
  if (kind === "Pod") return { apiVersion: "v1", kind, metadata: { ...metadata, labels }, spec } as k8s.V1Pod;
  if (kind === "Deployment")
    return {
      apiVersion: "apps/v1",
      kind,
      metadata,
      spec: { selector: { matchLabels: labels }, template },
    } as k8s.V1Deployment;
  const jobSpec = { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } };
  if (kind === "Job") return { apiVersion: "batch/v1", kind, metadata, spec: jobSpec } as k8s.V1Job;
  return {
    apiVersion: "batch/v1",
    kind,
    metadata,
    spec: { schedule: "0 * * * *", jobTemplate: { spec: jobSpec } },
  } as k8s.V1CronJob;
}

/** Who attacks from inside: a person and the workspace's ServiceAccount, each with every right in the namespace. */
export const insidersOf = (namespace: string) =>
  [
    ["a person with every right in the namespace", "mallory@uni.example"],
    [
      "the workspace's ServiceAccount, given every right in the namespace",
      `system:serviceaccount:${namespace}:workspace`,
    ],
  ] as const;

export interface AttackEnvironment {
  namespace: string;
  /** The name of the permit's person's workspace: its Deployment and Service (`workspace-<id>`). */
  workspace: string;
  admin: k8s.KubeConfig;
  /** The orchestrator's own credential. */
  orchestrator: k8s.KubernetesObjectApi;
  /** A client for any user name, by impersonation through the cluster's administrator. */
  as: (user: string) => k8s.KubeConfig;
  /** Deletes the namespace. */
  remove: () => Promise<void>;
}

/**
 * Makes an environment namespace with everything the orchestrator applies for an active permit with a
 * staged delivery, grants the insiders every right in it (a break-glass administrator doing what no one
 * should: the policies must hold regardless) and waits until the policies are in force for them.
 */
export async function attackEnvironment(
  kubeconfig: string,
  orchestratorKubeconfig: string,
  prefix = "spe-attack",
): Promise<AttackEnvironment> {
  const namespace = `${prefix}-${unique()}`;
  const admin = load(kubeconfig);
  const orchestrator = k8s.KubernetesObjectApi.makeApiClient(load(orchestratorKubeconfig));
  const input = withPersons({
    namespace,
    permit: examplePermit(),
    desiredState: "active" as const,
    staged: [exampleStagedDataset()],
  });
  for (const object of desiredObjects(input, config)) await applyObject(orchestrator, object);
  // The permit's totals all go to the orchestrator's pods, so the quota would refuse every pod the insiders
  // make before a policy could: the break-glass administrator removes it, for these tests are of the policies.
  await admin.makeApiClient(k8s.CoreV1Api).deleteNamespacedResourceQuota({ name: "environment", namespace });
  const insiders = insidersOf(namespace);
  await admin.makeApiClient(k8s.RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "insiders" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: insiders[0][1] },
        { kind: "ServiceAccount", name: "workspace", namespace },
      ],
    },
  });
  // Bindings and policies reach the authorizer and the admission plugin through informers: wait for both.
  const probe = load(kubeconfig, insiders[0][1]).makeApiClient(k8s.CoreV1Api);
  await eventually(
    "the policies are in force for the insiders",
    async () => {
      const r = await refusal(
        probe.createNamespacedSecret({ namespace, body: { metadata: { name: `probe-${unique()}` } } }),
      ).catch(() => undefined);
      return r?.message.includes("ValidatingAdmissionPolicy") ? r : undefined;
    },
    30_000,
  );
  return {
    namespace,
    workspace: `workspace-${input.persons[0]!.id}`,
    admin,
    orchestrator,
    as: (user) => load(kubeconfig, user),
    remove: () =>
      admin
        .makeApiClient(k8s.CoreV1Api)
        .deleteNamespace({ name: namespace })
        .then(() => undefined),
  };
}
