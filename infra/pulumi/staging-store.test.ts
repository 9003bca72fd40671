// The program's staging settings, under Pulumi's mocks: the default folder, or an S3-compatible bucket
// reached by the orchestrator alone; and /staging behind no public door in either case.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../orchestrator/src/config";
import { EXAMPLE_SECRET_KEYS, exampleStackConfig } from "./example-stack";
import { mockRuntime, settled, type RegisteredResource } from "./mock-runtime";
import { parseStackConfig } from "./stack-config";

/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs are untyped JSON here */

const S3_STAGING = {
  store: "s3",
  bucket: "spe-staging",
  endpoint: "https://s3.storage.internal",
  region: "eu-north-1",
  prefix: "spe/",
  forcePathStyle: true,
  credentials: { name: "spe-staging-bucket", key: "credentials.json" },
  network: { cidrs: ["10.40.0.0/28"] },
};

async function run(staging?: unknown): Promise<RegisteredResource[]> {
  vi.resetModules();
  const config = exampleStackConfig();
  if (staging) config.staging = JSON.stringify(staging);
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

describe("staging in the default folder", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    resources = await run();
  });

  it("stages on the shared data volume, with no bucket setting and no way out to one", () => {
    const env = plainEnv(resources);
    expect(env.STAGING_STORE).toBe("directory");
    expect(Object.keys(env).filter((k) => k.startsWith("STAGING_S3_"))).toEqual([]);
    expect(egressBlocks(resources).sort()).toEqual([
      "10.0.0.1/32:6443",
      "10.20.0.0/28:5432",
      "10.30.1.10/32:443",
      "192.168.10.5/32:6443",
    ]);
  });
});

describe("staging in an S3-compatible bucket", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    resources = await run(S3_STAGING);
  });

  it("gives the orchestrator the bucket's settings, which its own config schema accepts in production", () => {
    const env = plainEnv(resources);
    expect(env).toMatchObject({
      STAGING_STORE: "s3",
      STAGING_S3_BUCKET: "spe-staging",
      STAGING_S3_ENDPOINT: "https://s3.storage.internal",
      STAGING_S3_REGION: "eu-north-1",
      STAGING_S3_PREFIX: "spe/",
      STAGING_S3_FORCE_PATH_STYLE: "true",
      STAGING_S3_CREDENTIALS_FILE: "/etc/spe/keys/staging-bucket-credentials/credentials.json",
    });
    const staging = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("STAGING_")));
    expect(parseConfig({ ...staging, DATA_DIR: "/var/lib/spe" })).toMatchObject({
      STAGING_STORE: "s3",
      STAGING_S3_FORCE_PATH_STYLE: true,
      STAGING_S3_PREFIX: "spe/",
    });
  });

  it("mounts the bucket's credentials read-only from the Secret the stack names, never from Pulumi's state", () => {
    const pod = podOf(resources);
    expect(pod.volumes.find((v: any) => v.name === "staging-bucket-credentials").secret).toEqual({
      secretName: "spe-staging-bucket",
      items: [{ key: "credentials.json", path: "credentials.json" }],
      defaultMode: 0o440,
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "staging-bucket-credentials",
      mountPath: "/etc/spe/keys/staging-bucket-credentials",
      readOnly: true,
    });
    expect(ofType(resources, "kubernetes:core/v1:Secret")).toHaveLength(1);
  });

  it("lets the orchestrator out to the bucket's addresses on its port, and opens nothing else", () => {
    expect(egressBlocks(resources).sort()).toEqual([
      "10.0.0.1/32:6443",
      "10.20.0.0/28:5432",
      "10.30.1.10/32:443",
      "10.40.0.0/28:443",
      "192.168.10.5/32:6443",
    ]);
  });
});

describe("/staging and the outside world", () => {
  it.each([
    ["the folder store", undefined],
    ["an S3 bucket", S3_STAGING],
  ])("has no public door with %s: no Ingress, no Gateway route, only ClusterIP Services", async (_, staging) => {
    const resources = await run(staging);
    const exposing = resources.filter(
      (r) =>
        /Ingress$|gateway\.networking\.k8s\.io|HTTPRoute|GRPCRoute|TCPRoute|TLSRoute/.test(r.type) &&
        !r.type.includes("NetworkPolicy"),
    );
    expect(exposing.map((r) => r.type)).toEqual([]);
    const services = ofType(resources, "kubernetes:core/v1:Service");
    // The people's Service and the staging listener's own (orchestrator-staging), both inside the cluster only.
    expect(services.map((s) => [s.metadata.name, s.spec.type]).sort()).toEqual([
      ["orchestrator", "ClusterIP"],
      ["orchestrator-staging", "ClusterIP"],
    ]);
    for (const s of services) expect(s.spec.externalIPs ?? []).toEqual([]);
  });
});

describe("the stack's staging setting", () => {
  const parse = (staging: unknown) =>
    parseStackConfig({ ...exampleStackConfig(), staging: JSON.stringify(staging) }, new Set(EXAMPLE_SECRET_KEYS));
  const problems = (staging: unknown) => {
    try {
      parse(staging);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected the staging setting to be refused");
  };

  it("defaults to the folder and fills in a bucket's defaults", () => {
    expect(parseStackConfig(exampleStackConfig(), new Set(EXAMPLE_SECRET_KEYS)).staging).toEqual({
      store: "directory",
    });
    const { endpoint: _e, region: _r, prefix: _p, forcePathStyle: _f, ...least } = S3_STAGING;
    expect(parse(least).staging).toEqual({
      ...least,
      region: "us-east-1",
      prefix: "",
      forcePathStyle: false,
      network: { cidrs: ["10.40.0.0/28"], port: 443 },
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["an unknown store", { store: "minio" }, /spe:staging(\.store)?: must be \{ "store": "directory" \}/],
    [
      "a bucket without credentials",
      { ...S3_STAGING, credentials: undefined },
      /spe:staging\.credentials: is required/,
    ],
    ["a bucket without its addresses", { ...S3_STAGING, network: undefined }, /spe:staging\.network: is required/],
    [
      "the whole internet as the bucket's address",
      { ...S3_STAGING, network: { cidrs: ["0.0.0.0/0"] } },
      /spe:staging\.network\.cidrs\[0\]: must not be a \/0/,
    ],
    [
      "a plain-http endpoint",
      { ...S3_STAGING, endpoint: "http://s3.storage.internal" },
      /spe:staging\.endpoint: must be the https URL/,
    ],
    [
      "credentials in the endpoint",
      { ...S3_STAGING, endpoint: "https://AKIAEXAMPLE:s3cr3t@s3.storage.internal" },
      /spe:staging\.endpoint: must not carry credentials/,
    ],
    [
      "a bucket name with capitals",
      { ...S3_STAGING, bucket: "SPE_Staging" },
      /spe:staging\.bucket: must be a bucket name/,
    ],
    ["an unknown key", { ...S3_STAGING, accessKey: "AKIAEXAMPLE" }, /spe:staging: unknown key\(s\) accessKey/],
  ])("refuses %s, naming the key", (_, staging, message) => {
    const text = problems(staging);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/s3cr3t|AKIAEXAMPLE/);
  });
});
