import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";

export interface VolumeProvisioner {
  stop(): Promise<void>;
}

type Log = (line: string) => void;

/** A PersistentVolume name for a claim; names are unique per cluster, claims per namespace. */
const volumeName = (claim: k8s.V1PersistentVolumeClaim) =>
  `spe-local-${claim.metadata!.namespace}-${claim.metadata!.name}`.slice(0, 253);

/**
 * Gives each PersistentVolumeClaim without a class a hostPath PersistentVolume on this node, bound to it in
 * advance (claimRef); the persistent volume binder then binds the claim. The folders live under the node's
 * own folder and go with it. They are world-writable because the pods run as arbitrary non-root users and the
 * kubelet applies no fsGroup to hostPath volumes; read-only mounts (the data volume) are still read-only.
 */
export async function startVolumeProvisioner(
  kc: k8s.KubeConfig,
  dir: string,
  log: Log = (l) => console.error(l),
): Promise<VolumeProvisioner> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const claims = k8s.makeInformer<k8s.V1PersistentVolumeClaim>(kc, "/api/v1/persistentvolumeclaims", () =>
    core.listPersistentVolumeClaimForAllNamespaces(),
  );
  const provisioned = new Set<string>();
  let stopped = false;

  const provision = async (claim: k8s.V1PersistentVolumeClaim) => {
    const name = volumeName(claim);
    if (
      claim.spec?.volumeName ||
      claim.spec?.storageClassName ||
      provisioned.has(name) ||
      claim.metadata?.deletionTimestamp
    )
      return;
    provisioned.add(name);
    const path = join(dir, claim.metadata!.namespace!, claim.metadata!.name!);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o1777);
    try {
      await core.createPersistentVolume({
        body: {
          metadata: { name, labels: { "spe.ehds.eu/local-node-volume": "true" } },
          spec: {
            capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
            accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: "",
            hostPath: { path, type: "Directory" },
            claimRef: { namespace: claim.metadata!.namespace, name: claim.metadata!.name, uid: claim.metadata!.uid },
          },
        },
      });
      log(`Provisioned PersistentVolume ${name} for ${claim.metadata!.namespace}/${claim.metadata!.name}`);
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 409) return;
      provisioned.delete(name);
      log(
        `Could not provision a PersistentVolume for ${claim.metadata!.namespace}/${claim.metadata!.name}: ${(err as Error).message}`,
      );
    }
  };
  for (const verb of [k8s.ADD, k8s.UPDATE] as const) claims.on(verb, (claim) => void provision(claim));
  claims.on(k8s.ERROR, () => {
    if (!stopped) setTimeout(() => void claims.start().catch(() => undefined), 1000);
  });
  await claims.start();
  return {
    async stop() {
      stopped = true;
      await claims.stop();
    },
  };
}
