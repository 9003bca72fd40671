// Class 1 of the attack suite, traffic redirection: the gateway and the airlock reach an environment through
// its Services, so everything that changes where those lead — Services without selectors, hand-made
// Endpoints or EndpointSlices, changed selectors or ports, extra Services — is the orchestrator's alone.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyObject } from "../../orchestrator/src/kube/apply";
import {
  attackEnvironment,
  expectRefused,
  insidersOf,
  mergePatch,
  unique,
  type AttackEnvironment,
} from "./attack-environment";

const POLICY = "spe-environment-traffic";
// Another environment's pod, as an attacker would point at it.
const OTHER_POD_IP = "10.244.7.7";

describe("traffic into an environment, against the real API server", () => {
  let env: AttackEnvironment;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
  });
  afterAll(() => env.remove());

  const service = (name: string, spec: k8s.V1ServiceSpec): k8s.V1Service => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: env.namespace },
    spec,
  });

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);
    const objects = () => k8s.KubernetesObjectApi.makeApiClient(env.as(user()));
    const core = () => env.as(user()).makeApiClient(k8s.CoreV1Api);

    it.each([
      ["without a selector (a name for hand-made endpoints)", { ports: [{ port: 8090 }] }],
      [
        "with a selector (an extra way in)",
        { selector: { "app.kubernetes.io/component": "workspace" }, ports: [{ port: 8090 }] },
      ],
    ])("a Service %s: refused", async (_what, spec) => {
      await expectRefused(
        objects().create(service(`airlock-${unique()}`, spec)),
        POLICY,
        new RegExp(
          `Service airlock-\\w+ in ${env.namespace}: creating it was refused for ${user()}\\. Services decide where the SPE gateway and airlock land`,
        ),
      );
    });

    it.each([
      ["its selector", { spec: { selector: { "app.kubernetes.io/component": "data-loader" } } }],
      ["its ports", { spec: { ports: [{ name: "airlock", port: 8090, targetPort: 8888 }] } }],
    ])("changing the airlock Service's %s: refused", async (_what, body) => {
      await expectRefused(
        core().patchNamespacedService({ name: "airlock", namespace: env.namespace, body }, mergePatch),
        POLICY,
        /Service airlock .*: changing it was refused .* could send them to another environment's pods/,
      );
    });

    it("deleting the workspace Service: refused", async () => {
      await expectRefused(
        core().deleteNamespacedService({ name: env.workspace, namespace: env.namespace }),
        POLICY,
        new RegExp(`Service ${env.workspace} .*: deleting it was refused`),
      );
    });

    it("hand-made Endpoints, for a Service of ours or a new name: refused", async () => {
      for (const name of ["airlock", `elsewhere-${unique()}`])
        await expectRefused(
          core().createNamespacedEndpoints({
            namespace: env.namespace,
            body: {
              metadata: { name },
              subsets: [{ addresses: [{ ip: OTHER_POD_IP }], ports: [{ name: "airlock", port: 8090 }] }],
            },
          }),
          POLICY,
          new RegExp(
            `Endpoints ${name} .*: creating it was refused .* written only by the cluster's endpoint controllers`,
          ),
        );
    });

    it("a hand-made EndpointSlice for the airlock Service: refused", async () => {
      const slice: k8s.V1EndpointSlice = {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: `airlock-${unique()}`,
          namespace: env.namespace,
          labels: { "kubernetes.io/service-name": "airlock" },
        },
        addressType: "IPv4",
        endpoints: [{ addresses: [OTHER_POD_IP], conditions: { ready: true } }],
        ports: [{ name: "airlock", port: 8090, protocol: "TCP" }],
      };
      await expectRefused(
        objects().create(slice),
        POLICY,
        /EndpointSlice airlock-\w+ .*: creating it was refused .* hand-made ones could send the SPE gateway or airlock to another environment's pods/,
      );
    });
  });

  it("a Service without a selector: refused even from the orchestrator", async () => {
    await expectRefused(
      applyObject(env.orchestrator, service(`bare-${unique()}`, { ports: [{ port: 80 }] })),
      POLICY,
      /was refused: it has no selector, so it would lead wherever hand-made endpoints point/,
    );
  });

  it("the cluster's endpoint controller may write the endpoints of the orchestrator's Services", async () => {
    const controller = env
      .as("system:serviceaccount:kube-system:endpointslice-controller")
      .makeApiClient(k8s.DiscoveryV1Api);
    const created = await controller.createNamespacedEndpointSlice({
      namespace: env.namespace,
      body: {
        metadata: { name: `workspace-${unique()}`, labels: { "kubernetes.io/service-name": "workspace" } },
        addressType: "IPv4",
        endpoints: [],
        ports: [{ name: "http", port: 8888, protocol: "TCP" }],
      },
    });
    expect(created.metadata?.uid).toBeDefined();
  });
});
