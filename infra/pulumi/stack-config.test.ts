import { describe, expect, it } from "vitest";
import { EXAMPLE_SECRET_KEYS, EXAMPLE_SECRETS, exampleStackConfig } from "./example-stack";
import { parseStackConfig, StackConfigError } from "./stack-config";

const secretKeys = new Set(EXAMPLE_SECRET_KEYS);
type Raw = Record<string, string | undefined>;
const json = (raw: Raw, key: string) => JSON.parse(raw[key]!) as Record<string, unknown>;
const withJson = (key: string, change: (value: Record<string, unknown>) => void) => (raw: Raw) => {
  const value = json(raw, key);
  change(value);
  raw[key] = JSON.stringify(value);
};
const parse = (raw: Raw, secrets: ReadonlySet<string> = secretKeys) =>
  parseStackConfig(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), secrets);

describe("a good stack configuration", () => {
  it("parses, with the defaults filled in", () => {
    const config = parse(exampleStackConfig());
    expect(config).toMatchObject({
      replicas: 2,
      admission: { breakGlassGroups: ["system:masters"], egressAllowedCidrs: ["10.100.0.0/24"] },
      network: { postgres: { cidrs: ["10.20.0.0/28"], port: 5432 }, apiServer: { port: 6443 } },
      dataVolume: { size: "100Gi" },
      resources: { requests: { cpu: "250m", memory: "512Mi" } },
      logLevel: "info",
      auditRetentionDays: 3650,
      metrics: { port: 9464, scraperNamespace: "monitoring" },
      skipAwait: false,
    });
  });

  it("serves no metrics when none are configured", () => {
    const raw = exampleStackConfig();
    delete raw.metrics;
    expect(parse(raw).metrics).toBeUndefined();
  });

  it.each<[string, (raw: Raw) => void, Record<string, unknown>]>([
    ["more replicas", (raw) => (raw.replicas = "3"), { replicas: 3 }],
    [
      "a digest-pinned image",
      withJson("images", (i) => (i.orchestrator = `orchestrator@sha256:${"a".repeat(64)}`)),
      { images: { orchestrator: `orchestrator@sha256:${"a".repeat(64)}` } },
    ],
    [
      "IPv6 destinations",
      withJson("network", (n) => (n.postgres = { cidrs: ["fd00:10::/64"], port: 6432 })),
      { network: { postgres: { cidrs: ["fd00:10::/64"], port: 6432 } } },
    ],
    [
      "a role mapping",
      withJson("oidc", (o) => (o.roleMapping = "spe-admins=operator,ivo=auditor")),
      { oidc: { roleMapping: "spe-admins=operator,ivo=auditor" } },
    ],
    ["skipAwait for a test cluster", (raw) => (raw.skipAwait = "true"), { skipAwait: true }],
    [
      "metrics on another port",
      withJson("metrics", (m) => (m.port = 9100)),
      { metrics: { port: 9100, scraperNamespace: "monitoring" } },
    ],
  ])("accepts %s", (_name, change, expected) => {
    const raw = exampleStackConfig();
    change(raw);
    expect(parse(raw)).toMatchObject(expected);
  });
});

describe("a bad stack configuration is refused, naming the config key", () => {
  it.each<[string, (raw: Raw) => void, RegExp]>([
    ["no database URL", (raw) => delete raw.databaseUrl, /- spe:databaseUrl: is required/],
    [
      "a database URL that is not postgres",
      (raw) => (raw.databaseUrl = "mysql://db/spe"),
      /- spe:databaseUrl: must be a postgres:\/\/ URL/,
    ],
    [
      "an http public URL",
      (raw) => (raw.publicUrl = "http://spe.example.se"),
      /- spe:publicUrl: must be the https URL/,
    ],
    ["no workspace domain", (raw) => delete raw.workspaceDomain, /- spe:workspaceDomain: is required/],
    [
      "a workspace domain that is not a DNS name",
      (raw) => (raw.workspaceDomain = "https://ws.example"),
      /- spe:workspaceDomain: must be a DNS domain/,
    ],
    [
      "a workspace domain holding the UI's host",
      (raw) => (raw.workspaceDomain = "example.se"),
      /- spe:workspaceDomain: must not be the public URL's host \(spe\.example\.se\)/,
    ],
    [
      "the UI's own host as workspace domain",
      (raw) => (raw.workspaceDomain = "SPE.example.se"),
      /- spe:workspaceDomain: must not be the public URL's host/,
    ],
    ["one replica", (raw) => (raw.replicas = "1"), /- spe:replicas: must be at least 2/],
    [
      "a :latest image",
      withJson("images", (i) => (i.orchestrator = "orchestrator:latest")),
      /- spe:images\.orchestrator: must not be :latest/,
    ],
    [
      "an image without a tag",
      withJson("images", (i) => (i.orchestrator = "orchestrator")),
      /- spe:images\.orchestrator: must be name:tag/,
    ],
    [
      "a registry with a trailing slash",
      withJson("images", (i) => (i.registry = "registry.spe.internal/spe/")),
      /- spe:images\.registry: must be a registry host/,
    ],
    [
      "an http OIDC issuer",
      withJson("oidc", (o) => (o.issuer = "http://idp.example.se")),
      /- spe:oidc\.issuer: must be the https issuer URL/,
    ],
    ["no OIDC client id", withJson("oidc", (o) => delete o.clientId), /- spe:oidc\.clientId: is required/],
    [
      "a role mapping to an unknown role",
      withJson("oidc", (o) => (o.roleMapping = "admins=root")),
      /- spe:oidc\.roleMapping: must be group=role/,
    ],
    [
      "a short client secret",
      (raw) => (raw.oidcClientSecret = "short"),
      /- spe:oidcClientSecret: must be the client secret/,
    ],
    ["no trusted issuers", (raw) => (raw.trustedIssuers = "{}"), /- spe:trustedIssuers: must name at least one/],
    [
      "a private key among the trusted issuers' keys",
      withJson(
        "trustedIssuers",
        (t) => ((t["https://hdab.example.se"] as { keys: object[] }).keys = [{ kty: "EC", d: "secret" }]),
      ),
      /- spe:trustedIssuers\.https:\/\/hdab\.example\.se\.keys\[0\]: is a private key/,
    ],
    [
      "a missing staging key Secret",
      withJson("keySecrets", (k) => delete k.staging),
      /- spe:keySecrets\.staging: is required/,
    ],
    [
      "a key Secret with an invalid name",
      withJson("keySecrets", (k) => (k.pseudonymisation = { name: "Bad_Name", key: "k" })),
      /- spe:keySecrets\.pseudonymisation\.name: must be the name of a Secret/,
    ],
    [
      "egress to the whole internet",
      withJson("network", (n) => (n.oidc = { cidrs: ["0.0.0.0/0"] })),
      /- spe:network\.oidc\.cidrs\[0\]: must not be a \/0/,
    ],
    [
      "a CIDR that is not one",
      withJson("network", (n) => (n.postgres = { cidrs: ["db.internal"] })),
      /- spe:network\.postgres\.cidrs\[0\]: must be a CIDR/,
    ],
    [
      "no API server addresses",
      withJson("network", (n) => (n.apiServer = { cidrs: [] })),
      /- spe:network\.apiServer\.cidrs: must list at least one CIDR/,
    ],
    [
      "an allowed environment egress to ::/0",
      withJson("admission", (a) => (a.egressAllowedCidrs = ["::/0"])),
      /- spe:admission\.egressAllowedCidrs\[0\]: must not be a \/0/,
    ],
    [
      "audit retention under a year",
      (raw) => (raw.auditRetentionDays = "30"),
      /- spe:auditRetentionDays: must be at least 365/,
    ],
    [
      "a resource quantity that is not one",
      (raw) => (raw.resources = JSON.stringify({ limits: { cpu: "two", memory: "4Gi" } })),
      /- spe:resources\.limits\.cpu: must be a Kubernetes quantity/,
    ],
    [
      "metrics on the orchestrator's own port",
      withJson("metrics", (m) => (m.port = 8080)),
      /- spe:metrics\.port: must not be 8080/,
    ],
    [
      "metrics scraped from a namespace that cannot be one",
      withJson("metrics", (m) => (m.scraperNamespace = "Monitoring_NS")),
      /- spe:metrics\.scraperNamespace: must be a namespace name/,
    ],
    [
      "metrics without the scrapers' namespace",
      withJson("metrics", (m) => delete m.scraperNamespace),
      /- spe:metrics\.scraperNamespace: is required/,
    ],
    ["a misspelt key", (raw) => (raw.replica = "2"), /- spe: unknown key\(s\) replica/],
    ["a misspelt nested key", withJson("oidc", (o) => (o.clientID = "x")), /- spe:oidc: unknown key\(s\) clientID/],
    ["JSON that does not parse", (raw) => (raw.network = "{apiServer:"), /- spe:network: is not valid JSON/],
  ])("%s", (_name, change, expected) => {
    const raw = exampleStackConfig();
    change(raw);
    expect(() => parse(raw)).toThrow(StackConfigError);
    expect(() => parse(raw)).toThrow(expected);
  });

  it("refuses credentials stored in plain text, naming each and how to store it", () => {
    expect(() => parse(exampleStackConfig(), new Set())).toThrow(
      /spe:databaseUrl: must be stored as a secret: `pulumi config set --secret spe:databaseUrl …`[\s\S]*spe:oidcClientSecret: must be stored as a secret/,
    );
  });

  it("lists every problem at once and never repeats a credential", () => {
    const raw = exampleStackConfig();
    raw.databaseUrl = `mysql://spe:${EXAMPLE_SECRETS.oidcClientSecret}@db/spe`;
    raw.replicas = "0";
    let message = "";
    try {
      parse(raw);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/has 2 problem\(s\)/);
    expect(message).not.toContain(EXAMPLE_SECRETS.oidcClientSecret);
  });
});
