import { isIPv6 } from "node:net";
import { COMPONENT_LABEL, ENVIRONMENT_LABEL, MIRROR_PORT } from "./names";
import type { StackConfig } from "./stack-config";

type PackageMirror = StackConfig["packageMirror"];

/**
 * The mirror's origin as workspaces reach it: the Service's fixed address (they have no DNS) and the pod's port,
 * which is also the port each environment's `allow-workspace-to-mirror` policy opens.
 */
export function packageMirrorUrl(mirror: NonNullable<PackageMirror>): string {
  const host = isIPv6(mirror.clusterIP) ? `[${mirror.clusterIP}]` : mirror.clusterIP;
  return `http://${host}:${MIRROR_PORT}`;
}

/**
 * The orchestrator's mirror listener (orchestrator/src/config.ts): on the pod's address for the workspaces the
 * NetworkPolicy lets in, asking the stack's index. Without a mirror it stays on loopback, where nothing reaches it.
 */
export function packageMirrorEnvironment(mirror: PackageMirror): Record<string, string | undefined> {
  if (!mirror) return {};
  return { MIRROR_PORT: String(MIRROR_PORT), MIRROR_HOST: "0.0.0.0", MIRROR_UPSTREAM: mirror.upstream.url };
}

/** `ENVIRONMENT_SETTINGS.packageMirror`: unset without a mirror, so no environment's egress opens. */
export function packageMirrorSettings(mirror: PackageMirror) {
  return mirror ? { packageMirror: { url: packageMirrorUrl(mirror), defaultSoftware: mirror.defaultSoftware } } : {};
}

export function packageMirrorContainerPorts(mirror: PackageMirror) {
  return mirror ? [{ name: "mirror", containerPort: MIRROR_PORT, protocol: "TCP" }] : [];
}

/**
 * Who may reach the mirror's port: workspaces in environment namespaces, and nothing else. An environment whose
 * permit allows no installs has no egress to it in the first place; the mirror refuses its credential as well.
 */
export function packageMirrorIngress(mirror: PackageMirror) {
  if (!mirror) return [];
  return [
    {
      from: [
        {
          namespaceSelector: { matchExpressions: [{ key: ENVIRONMENT_LABEL, operator: "Exists" }] },
          podSelector: { matchLabels: { [COMPONENT_LABEL]: "workspace" } },
        },
      ],
      ports: [{ protocol: "TCP", port: MIRROR_PORT }],
    },
  ];
}

/** The orchestrator's way out to the index (and its file host), by their addresses and port alone. */
export function packageMirrorEgress(mirror: PackageMirror) {
  if (!mirror) return [];
  const { cidrs, port } = mirror.upstream.network;
  return [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port }] }];
}
