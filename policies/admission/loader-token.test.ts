// Class 7 of the attack suite, the data loader's capability: the staging endpoint serves a file only to the
// loader's own pod, proven by a projected token of the data-loader ServiceAccount for the staging audience.
// Nobody else in an environment may get such a token: not by a pod of their own, not by a TokenRequest.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import {
  attackEnvironment,
  expectRefused,
  goodSpec,
  insidersOf,
  unique,
  workload,
  type AttackEnvironment,
} from "./attack-environment";

const stagingToken = (): k8s.V1PodSpec => ({
  ...goodSpec(),
  serviceAccountName: "data-loader",
  volumes: [
    {
      name: "staging-token",
      projected: { sources: [{ serviceAccountToken: { audience: "spe-staging", expirationSeconds: 600, path: "t" } }] },
    },
  ],
});

describe("the data loader's token, against the real API server", () => {
  let env: AttackEnvironment;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
  });
  afterAll(() => env.remove());

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);

    it.each(["Pod", "Deployment", "Job"] as const)(
      "a %s of their own that mounts the loader's token for the staging endpoint: refused",
      async (kind) => {
        const objects = k8s.KubernetesObjectApi.makeApiClient(env.as(user()));
        await expectRefused(
          objects.create(workload(kind, env.namespace, `copy-${unique()}`, stagingToken())),
          "spe-environment-pods",
          /volume staging-token mounts a Kubernetes service account token/,
        );
      },
    );

    it("a TokenRequest for the data-loader ServiceAccount: refused", async () => {
      await expectRefused(
        env
          .as(user())
          .makeApiClient(k8s.CoreV1Api)
          .createNamespacedServiceAccountToken({
            name: "data-loader",
            namespace: env.namespace,
            body: { spec: { audiences: ["spe-staging"] } },
          }),
        "spe-environment-credentials",
        /A token for ServiceAccount data-loader .* no service account tokens are issued there/,
      );
    });
  });
});
