import type * as k8s from "@kubernetes/client-node";
import { PROBE_IMAGE } from "./node";

/** Passes Pod Security "restricted" and the SPE admission policies: non-root, nothing added, no token. */
export function probePodSpec(args: string[], restartPolicy: "Always" | "Never"): k8s.V1PodSpec {
  return {
    restartPolicy,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 1,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: "probe",
        image: PROBE_IMAGE,
        imagePullPolicy: "Never",
        args,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        },
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      },
    ],
  };
}

export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
