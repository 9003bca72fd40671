import { describe, expect, it } from "vitest";
import { environmentConfigSchema } from "../environment-config";
import { examplePermit } from "../../permits/test-fixtures";
import type { PermitPayload } from "../../permits/permit";
import { desiredObjects } from "./index";
import type { EnvironmentInput } from "./environment-input";
import { MIRROR_POLICY } from "./package-mirror";

const MIRROR = "http://10.96.0.83:8083";
const person = { id: "0123456789abcdef0123", token: "t".repeat(64), mirrorPassword: "m".repeat(64) };

function build(software: PermitPayload["environment"]["software"], mirror: Record<string, unknown>) {
  const permit = examplePermit();
  const input: EnvironmentInput = {
    namespace: "spe-se-hdab-2026-0042",
    permit: { ...permit, environment: { ...permit.environment, ...(software ? { software } : {}) } },
    desiredState: "active",
    persons: [person],
  };
  const objects = desiredObjects(input, environmentConfigSchema.parse({ packageMirror: mirror }));
  const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata?.name === MIRROR_POLICY);
  const workspace = objects.find((o) => o.kind === "Deployment" && o.metadata?.name?.startsWith("workspace"));
  const env = (
    workspace as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }
  ).spec.template.spec.containers[0]!.env;
  return {
    policy,
    pip: Object.fromEntries(env.filter((e) => e.name.startsWith("PIP_")).map((e) => [e.name, e.value])),
  };
}

describe("whether an environment may install packages, and how its pip finds the mirror", () => {
  it.each([
    ["a permit that does not say, on an installation that allows none", undefined, { url: MIRROR }],
    [
      "a permit that says none, on an installation that allows by default",
      "none",
      { url: MIRROR, defaultSoftware: "allowlisted" },
    ],
    ["a permit that allows installs, on an installation without a mirror", "allowlisted", {}],
  ] as const)("opens nothing for %s", (_what, software, mirror) => {
    expect(build(software, mirror)).toEqual({ policy: undefined, pip: {} });
  });

  it.each([
    ["a permit that allows installs", "allowlisted", { url: MIRROR }],
    [
      "a permit that does not say, on an installation that allows by default",
      undefined,
      { url: MIRROR, defaultSoftware: "allowlisted" },
    ],
  ] as const)("opens the workspaces' egress to the mirror's port alone for %s", (_what, software, mirror) => {
    const { policy, pip } = build(software, mirror);
    expect(policy).toMatchObject({
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/component": "workspace" } },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
                podSelector: { matchLabels: { "app.kubernetes.io/component": "orchestrator" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 8083 }],
          },
        ],
      },
    });
    // pip's own variables, the person's credential in the index URL, by address: the workspace has no DNS.
    expect(pip).toEqual({
      PIP_INDEX_URL: `http://spe-se-hdab-2026-0042.${person.id}:${person.mirrorPassword}@10.96.0.83:8083/simple/`,
      PIP_TRUSTED_HOST: "10.96.0.83:8083",
      PIP_TIMEOUT: "10",
      PIP_RETRIES: "1",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
    });
  });

  it.each([
    ["http://mirror.spe-system.svc.cluster.local:8083", /an address, not a host name/],
    ["http://10.96.0.83:8083/simple/", /a bare origin/],
    ["http://user:pw@10.96.0.83:8083", /a bare origin/],
    ["ftp://10.96.0.83", /Invalid URL/],
  ])("refuses %s as the mirror's address", (url, message) => {
    const parsed = environmentConfigSchema.safeParse({ packageMirror: { url } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.message).toMatch(message);
  });
});
