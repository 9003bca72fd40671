import type { V1EnvVar, V1NetworkPolicy } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput, WorkspacePerson } from "./environment-input";
import { COMPONENT_LABEL, ownedLabels } from "../../kube/owned-labels";

export const MIRROR_POLICY = "allow-workspace-to-mirror";

/** The mirror's origin when the environment may install packages: its permit allows it and the mirror is set. */
export function packageMirrorFor(
  { permit }: Pick<EnvironmentInput, "permit">,
  config: Pick<EnvironmentConfig, "packageMirror">,
): URL | undefined {
  const software = permit.environment.software ?? config.packageMirror.defaultSoftware;
  const url = config.packageMirror.url;
  return software === "allowlisted" && url ? new URL(url) : undefined;
}

const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80);

/**
 * The workspaces' one way out, when the environment may install: to the orchestrator's pods (which serve the
 * mirror on a listener of their own) at the mirror's port, and nowhere else — no DNS, no other port, no other
 * pod. Absent otherwise, so the deny-all policy keeps everything closed.
 */
export function mirrorEgressPolicy(input: EnvironmentInput, config: EnvironmentConfig): V1NetworkPolicy[] {
  const mirror = packageMirrorFor(input, config);
  if (!mirror) return [];
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: MIRROR_POLICY, namespace: input.namespace, labels: ownedLabels(input.namespace) },
      spec: {
        podSelector: { matchLabels: { [COMPONENT_LABEL]: "workspace" } },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.platformNamespace } },
                podSelector: { matchLabels: { [COMPONENT_LABEL]: "orchestrator" } },
              },
            ],
            ports: [{ protocol: "TCP", port: portOf(mirror) }],
          },
        ],
      },
    },
  ];
}

/**
 * What points the person's pip at the mirror, unchanged pip reading its own variables: the index with the
 * person's credential in it (pip sends it as Basic authentication), the mirror's address as trusted (pip refuses a
 * plain-http index elsewhere than localhost otherwise), and short waits, so that a mirror that is down or
 * unreachable ends `pip install` with an error in seconds rather than after minutes of retries.
 */
export function pipEnvironment(
  input: EnvironmentInput,
  config: EnvironmentConfig,
  person: WorkspacePerson,
): V1EnvVar[] {
  const mirror = packageMirrorFor(input, config);
  if (!mirror || !person.mirrorPassword) return [];
  const index = new URL("/simple/", mirror);
  index.username = `${input.namespace}.${person.id}`;
  index.password = person.mirrorPassword;
  return [
    { name: "PIP_INDEX_URL", value: index.href },
    { name: "PIP_TRUSTED_HOST", value: mirror.host },
    { name: "PIP_TIMEOUT", value: "10" },
    { name: "PIP_RETRIES", value: "1" },
    { name: "PIP_DISABLE_PIP_VERSION_CHECK", value: "1" },
  ];
}
