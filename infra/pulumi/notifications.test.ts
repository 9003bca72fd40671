// The program's notification settings, under Pulumi's mocks: the SMTP server and the webhooks the stack names
// are the only new ways out of the platform namespace, and the orchestrator reads them as its config accepts.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../orchestrator/src/config";
import { EXAMPLE_SECRET_KEYS, exampleStackConfig } from "./example-stack";
import { mockRuntime, settled, type RegisteredResource } from "./mock-runtime";
import { parseStackConfig } from "./stack-config";

/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON here */

const NOTIFICATIONS = {
  smtp: {
    url: "smtp://mail.scb.internal:587",
    from: "SPE <spe-noreply@scb.example>",
    credentials: { name: "spe-smtp", key: "credentials.json" },
    network: { cidrs: ["10.50.0.10/32"] },
  },
  webhooks: {
    "scb-ticketing": {
      url: "https://tickets.scb.internal/hooks/spe",
      events: ["environment-stuck", "delivery-refused"],
      secret: { name: "spe-webhook-ticketing", key: "secret" },
      network: { cidrs: ["10.60.0.0/29"] },
    },
    "region-demo": {
      url: "https://region.example/spe",
      events: ["delivery-staged", "delivery-refused"],
      dataHolders: ["region-demo"],
      secret: { name: "spe-webhook-region", key: "secret" },
      network: { cidrs: ["192.0.2.10/32"], port: 8443 },
    },
  },
};

async function run(notifications?: unknown): Promise<RegisteredResource[]> {
  vi.resetModules();
  const config = exampleStackConfig();
  if (notifications) config.notifications = JSON.stringify(notifications);
  const resources = await mockRuntime(config, EXAMPLE_SECRET_KEYS);
  await import("./index");
  await settled();
  return resources;
}

const ofType = (resources: RegisteredResource[], type: string) =>
  resources.filter((r) => r.type === type).map((r) => r.inputs as any);
const podOf = (resources: RegisteredResource[]) =>
  ofType(resources, "kubernetes:apps/v1:Deployment")[0].spec.template.spec;
const plainEnv = (resources: RegisteredResource[]) =>
  Object.fromEntries(
    (podOf(resources).containers[0].env as any[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
  );
const egressBlocks = (resources: RegisteredResource[]) =>
  ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .filter((p) => p.spec.egress)
    .flatMap((p) =>
      p.spec.egress.flatMap((r: any) =>
        r.to
          .filter((t: any) => t.ipBlock)
          .map((t: any) => `${t.ipBlock.cidr}:${r.ports.map((x: any) => x.port).join()}`),
      ),
    );
const BASE_EGRESS = ["10.0.0.1/32:6443", "10.20.0.0/28:5432", "10.30.1.10/32:443", "192.168.10.5/32:6443"];

describe("without notifications", () => {
  it("sends no e-mail, names no webhook and opens no way out for them", async () => {
    const resources = await run();
    const env = plainEnv(resources);
    for (const key of ["SMTP_URL", "MAIL_FROM", "SMTP_CREDENTIALS_FILE", "NOTIFICATION_WEBHOOKS_FILE"])
      expect(env[key]).toBeUndefined();
    expect(egressBlocks(resources).sort()).toEqual(BASE_EGRESS);
  });
});

describe("with an SMTP server and two webhooks", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    resources = await run(NOTIFICATIONS);
  });

  it("opens the platform's egress to the SMTP server and each webhook's addresses and ports, and nothing else", () => {
    expect(egressBlocks(resources).sort()).toEqual(
      [...BASE_EGRESS, "10.50.0.10/32:587", "10.60.0.0/29:443", "192.0.2.10/32:8443"].sort(),
    );
  });

  it("gives the orchestrator settings its own config accepts in production", () => {
    const env = plainEnv(resources);
    expect(env).toMatchObject({
      SMTP_URL: "smtp://mail.scb.internal:587",
      MAIL_FROM: "SPE <spe-noreply@scb.example>",
      SMTP_CREDENTIALS_FILE: "/etc/spe/keys/smtp-credentials/credentials.json",
      NOTIFICATION_WEBHOOKS_FILE: "/etc/spe/config/notification-webhooks.json",
    });
    const mail = Object.fromEntries(
      Object.entries(env).filter(([k]) => ["SMTP_URL", "MAIL_FROM", "NOTIFICATION_WEBHOOKS_FILE"].includes(k)),
    );
    expect(parseConfig({ ...mail, SMTP_CREDENTIALS_FILE: "/x" })).toMatchObject({ SMTP_URL: mail.SMTP_URL });
  });

  it("writes the webhooks file with each secret as a mounted file, and mounts the Secrets read-only", () => {
    const files = ofType(resources, "kubernetes:core/v1:ConfigMap").find((c) => c.data["notification-webhooks.json"]);
    expect(JSON.parse(files.data["notification-webhooks.json"])).toEqual({
      "scb-ticketing": {
        url: "https://tickets.scb.internal/hooks/spe",
        events: ["environment-stuck", "delivery-refused"],
        secretFile: "/etc/spe/keys/webhook-scb-ticketing/secret",
      },
      "region-demo": {
        url: "https://region.example/spe",
        events: ["delivery-staged", "delivery-refused"],
        dataHolders: ["region-demo"],
        secretFile: "/etc/spe/keys/webhook-region-demo/secret",
      },
    });
    const pod = podOf(resources);
    expect(pod.volumes.find((v: any) => v.name === "webhook-scb-ticketing").secret).toEqual({
      secretName: "spe-webhook-ticketing",
      items: [{ key: "secret", path: "secret" }],
      defaultMode: 0o440,
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "smtp-credentials",
      mountPath: "/etc/spe/keys/smtp-credentials",
      readOnly: true,
    });
  });
});

describe("the stack's notifications setting", () => {
  const problems = (notifications: unknown) => {
    try {
      parseStackConfig(
        { ...exampleStackConfig(), notifications: JSON.stringify(notifications) },
        new Set(EXAMPLE_SECRET_KEYS),
      );
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected the notifications setting to be refused");
  };
  const hook = NOTIFICATIONS.webhooks["scb-ticketing"];

  it.each<[string, unknown, RegExp]>([
    [
      "a plain-http webhook",
      { webhooks: { a: { ...hook, url: "http://t.example/" } } },
      /webhooks\.a\.url: must be an https URL/,
    ],
    ["a webhook without addresses", { webhooks: { a: { ...hook, network: undefined } } }, /webhooks\.a\.network/],
    ["the whole internet", { webhooks: { a: { ...hook, network: { cidrs: ["0.0.0.0/0"] } } } }, /must not be a \/0/],
    ["an unknown event", { webhooks: { a: { ...hook, events: ["everything"] } } }, /webhooks\.a\.events/],
    [
      "SMTP with credentials in its URL",
      { smtp: { ...NOTIFICATIONS.smtp, url: "smtp://u:pw@m.example" } },
      /must not carry credentials/,
    ],
  ])("refuses %s, naming the key", (_, notifications, message) => {
    expect(problems(notifications)).toMatch(message);
  });
});
