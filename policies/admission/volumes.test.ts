// Class 3 of the attack suite, volumes: binding a claim to a named volume, selecting or cloning one, inline
// volume drivers, and any workload but the data loader mounting the data volume writable.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  attackEnvironment,
  expectRefused,
  goodSpec,
  insidersOf,
  mergePatch,
  refusal,
  unique,
  workload,
  type AttackEnvironment,
} from "./attack-environment";

const claim = (namespace: string, spec: Partial<k8s.V1PersistentVolumeClaimSpec>): k8s.V1PersistentVolumeClaim => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: `claim-${unique()}`, namespace },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
});

const withVolume =
  (volume: k8s.V1Volume, readOnly = false) =>
  (): k8s.V1PodSpec => {
    const spec = goodSpec();
    return {
      ...spec,
      volumes: [volume],
      containers: [{ ...spec.containers[0]!, volumeMounts: [{ name: volume.name, mountPath: "/mnt", readOnly }] }],
    };
  };

const VOLUME_CASES: Array<[string, () => k8s.V1PodSpec, RegExp]> = [
  [
    "an inline CSI volume",
    withVolume({ name: "driver", csi: { driver: "nfs.csi.k8s.io", volumeAttributes: { share: "/other" } } }),
    /volume driver is not one an environment has/,
  ],
  [
    "a generic ephemeral volume",
    withVolume({
      name: "eph",
      ephemeral: {
        volumeClaimTemplate: {
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "1Gi" } },
            dataSourceRef: { kind: "PersistentVolumeClaim", name: "data" },
          },
        },
      },
    }),
    /volume eph is not one an environment has/,
  ],
  [
    "an NFS volume",
    withVolume({ name: "nfs", nfs: { server: "10.0.0.2", path: "/exports" } }),
    /volume nfs is not one an environment has/,
  ],
  [
    "the data claim, writable",
    withVolume({ name: "data", persistentVolumeClaim: { claimName: "data" } }),
    /volume data mounts the data claim writable, and only the data loader writes/,
  ],
];

describe("volumes in an environment, against the real API server", () => {
  let env: AttackEnvironment;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
  });
  afterAll(() => env.remove());

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);
    const objects = () => k8s.KubernetesObjectApi.makeApiClient(env.as(user()));

    it.each<[string, Partial<k8s.V1PersistentVolumeClaimSpec>, RegExp]>([
      ["naming a volume", { volumeName: "spe-local-spe-other-data" }, /it names the volume spe-local-spe-other-data/],
      [
        "selecting a volume by its labels",
        { selector: { matchLabels: { "spe.ehds.eu/local-node-volume": "true" } } },
        /it selects a volume by its labels/,
      ],
      [
        "cloning the data claim",
        { dataSource: { kind: "PersistentVolumeClaim", name: "data" } },
        /it fills it from PersistentVolumeClaim data/,
      ],
      [
        "filling it from a snapshot",
        { dataSourceRef: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "other-data" } },
        /it fills it from VolumeSnapshot other-data \(spec\.dataSourceRef\)/,
      ],
    ])("a claim %s: refused", async (_what, spec, message) => {
      await expectRefused(
        objects().create(claim(env.namespace, spec)),
        "spe-environment-volumes",
        new RegExp(`PersistentVolumeClaim claim-\\w+ in ${env.namespace} was refused for ${user()}: ${message.source}`),
      );
    });

    describe.each(["Deployment", "Job", "CronJob"] as const)("a %s whose pod template has", (kind) => {
      it.each(VOLUME_CASES)("%s: refused", async (_case, spec, message) => {
        await expectRefused(
          objects().create(workload(kind, env.namespace, `vol-${unique()}`, spec())),
          "spe-environment-pods",
          message,
        );
      });
    });

    it.each(VOLUME_CASES)("a Pod with %s: refused", async (_case, spec, message) => {
      const r = await refusal(objects().create(workload("Pod", env.namespace, `vol-${unique()}`, spec())));
      expect(r.code).toBe(403);
      // Pod Security restricted refuses NFS volumes first; ours names the rest.
      if (!r.message.includes("PodSecurity")) expect(r.message).toMatch(message);
    });

    it("a StatefulSet whose claim template clones the data claim: refused", async () => {
      const name = `set-${unique()}`;
      const body: k8s.V1StatefulSet = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name, namespace: env.namespace },
        spec: {
          serviceName: name,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: goodSpec() },
          volumeClaimTemplates: [
            {
              metadata: { name: "copy" },
              spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: "1Gi" } },
                dataSource: { kind: "PersistentVolumeClaim", name: "data" },
              },
            },
          ],
        },
      };
      await expectRefused(
        objects().create(body),
        "spe-environment-pods",
        /claim template copy binds, selects or clones a volume/,
      );
    });

    it("the data claim read-only is accepted: what is refused above is refused for what it is", async () => {
      const created = await objects().create(
        workload(
          "Deployment",
          env.namespace,
          `reader-${unique()}`,
          withVolume({ name: "data", persistentVolumeClaim: { claimName: "data", readOnly: true } }, true)(),
        ),
      );
      expect(created.metadata?.uid).toBeDefined();
    });
  });

  it("binding a claim later is the cluster's volume binder's: accepted from it, refused from an insider", async () => {
    const binder = env.as("system:serviceaccount:kube-system:persistent-volume-binder").makeApiClient(k8s.CoreV1Api);
    // Its role may update claims, not patch them.
    const project = await binder.readNamespacedPersistentVolumeClaim({ name: "project", namespace: env.namespace });
    const bound = await binder.replaceNamespacedPersistentVolumeClaim({
      name: "project",
      namespace: env.namespace,
      body: { ...project, spec: { ...project.spec, volumeName: `spe-local-${env.namespace}-project` } },
    });
    expect(bound.spec?.volumeName).toBe(`spe-local-${env.namespace}-project`);
    const insider = env.as(insidersOf(env.namespace)[0][1]).makeApiClient(k8s.CoreV1Api);
    const r = await refusal(
      insider.patchNamespacedPersistentVolumeClaim(
        { name: "data", namespace: env.namespace, body: { spec: { volumeName: "spe-local-spe-other-data" } } },
        mergePatch,
      ),
    );
    expect(r.code).toBe(403);
  });
});
