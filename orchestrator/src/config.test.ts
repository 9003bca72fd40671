import { describe, expect, it } from "vitest";
import { ROLES } from "./auth/roles";
import { parseConfig } from "./config";
import { SpeError } from "./errors";

/** The least an S3 staging store needs. */
const s3 = {
  STAGING_STORE: "s3",
  STAGING_S3_BUCKET: "spe-staging",
  STAGING_S3_ENDPOINT: "https://s3.scb.example",
  STAGING_S3_CREDENTIALS_FILE: "/run/secrets/staging-bucket.json",
};

function problems(env: NodeJS.ProcessEnv): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SpeError);
    expect((err as SpeError).code).toBe("CONFIG_INVALID");
    return (err as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("parseConfig", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: "127.0.0.1",
      publicUrl: "http://localhost:8080",
      workspaceDomain: "ws.localhost",
      OIDC_ROLES_CLAIM: "groups",
      DEV_IDP_PORT: 8081,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.UI_DIR).toMatch(/workspace-ui\/dist$/);
    // Each role of the registry from a group of its own name.
    expect(config.OIDC_ROLE_MAPPING).toEqual(Object.fromEntries(ROLES.map((r) => [r, r])));
    expect(config.OIDC_ROLE_MAPPING).toMatchObject({ researcher: "researcher", auditor: "auditor" });
  });

  it.each([
    [{ WORKSPACE_DOMAIN: "SPE-WS.Example" }, { workspaceDomain: "spe-ws.example" }],
    [{ PORT: "9090" }, { PORT: 9090, publicUrl: "http://localhost:9090" }],
    [{ PUBLIC_URL: "https://spe.scb.example/" }, { publicUrl: "https://spe.scb.example" }],
    [{ DATABASE_URL: "postgresql://u@db:5432/spe" }, { DATABASE_URL: "postgresql://u@db:5432/spe" }],
    [
      { OIDC_ROLE_MAPPING: "spe-forskare=researcher, spe-drift=operator" },
      { OIDC_ROLE_MAPPING: { "spe-forskare": "researcher", "spe-drift": "operator" } },
    ],
    [
      { OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "spe", OIDC_CLIENT_SECRET: "s" },
      { OIDC_ISSUER: "https://idp.example" },
    ],
    [{ PORT: "" }, { PORT: 8080 }],
    [{}, { STAGING_STORE: "directory" }],
    [
      {
        ...s3,
        STAGING_S3_REGION: "eu-north-1",
        STAGING_S3_FORCE_PATH_STYLE: "true",
        STAGING_S3_PREFIX: "spe/staging/",
      },
      {
        STAGING_STORE: "s3",
        STAGING_S3_BUCKET: "spe-staging",
        STAGING_S3_REGION: "eu-north-1",
        STAGING_S3_FORCE_PATH_STYLE: true,
        STAGING_S3_PREFIX: "spe/staging/",
      },
    ],
    [s3, { STAGING_S3_REGION: "us-east-1", STAGING_S3_FORCE_PATH_STYLE: false, STAGING_S3_PREFIX: "" }],
    [{ UI_DIR: "/srv/spe-ui" }, { UI_DIR: "/srv/spe-ui" }],
    [{ SPE_LOCAL_NODE: "0" }, { SPE_LOCAL_NODE: "0" }],
    [{}, { METRICS_PORT: undefined, METRICS_HOST: "127.0.0.1" }],
    [
      { METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" },
      { METRICS_PORT: 9464, METRICS_HOST: "0.0.0.0" },
    ],
  ])("accepts %o", (env, expected) => {
    expect(parseConfig(env)).toMatchObject(expected);
  });

  it("builds environments from ENVIRONMENT_SETTINGS, keeping the defaults of what it leaves out", () => {
    const settings = {
      imageRegistry: "registry.scb.example/spe",
      images: { jupyterlab: "workspace-jupyterlab:2.1.0" },
      stagingUrl: "http://10.96.0.40:8080/staging",
    };
    const { environments } = parseConfig({
      ENVIRONMENT_SETTINGS: JSON.stringify(settings),
      PUBLIC_URL: "https://spe.scb.example/app/",
    });
    expect(environments).toMatchObject({
      ...settings,
      images: { jupyterlab: "workspace-jupyterlab:2.1.0", airlockAgent: "airlock-agent:1.0.0" },
      platformNamespace: "spe-system",
    });
    expect(parseConfig({}).environments).toMatchObject({ imageRegistry: "registry.spe.internal/spe" });
  });

  it.each([
    [{ ENVIRONMENT_SETTINGS: "{registry:" }, /ENVIRONMENT_SETTINGS: is not JSON/],
    [{ ENVIRONMENT_SETTINGS: JSON.stringify({ imageRegistr: "typo" }) }, /ENVIRONMENT_SETTINGS: .*imageRegistr/],
    [{ ENVIRONMENT_SETTINGS: JSON.stringify({ workspacePort: "8888" }) }, /ENVIRONMENT_SETTINGS\.workspacePort: /],
    [{ PORT: "eighty" }, /PORT: /],
    [{ PORT: "70000" }, /PORT: /],
    [{ METRICS_PORT: "prometheus" }, /METRICS_PORT: /],
    [{ PORT: "9464", METRICS_PORT: "9464" }, /METRICS_PORT: must differ from PORT/],
    [{ DATABASE_URL: "mysql://db/spe" }, /DATABASE_URL: /],
    [{ PUBLIC_URL: "ftp://x" }, /PUBLIC_URL: /],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL: /],
    [{ SPE_LOCAL_NODE: "yes" }, /SPE_LOCAL_NODE: must be "0" \(no local node\) or "1"/],
    [{ OIDC_ROLE_MAPPING: "admins=root" }, /OIDC_ROLE_MAPPING: "admins=root" is not group=role/],
    [
      { OIDC_ISSUER: "https://idp.example" },
      /OIDC_CLIENT_ID: is required when OIDC_ISSUER is set[\s\S]*OIDC_CLIENT_SECRET: is required/,
    ],
    [{ NODE_ENV: "production" }, /OIDC_ISSUER: is required in production/],
    [{ NODE_ENV: "production" }, /SIGNING_KEY_FILE: is required in production/],
    [
      { SIGNING_KEY_FILE: "/keys/new.jwk", RELEASE_SIGNING_KEY_FILE: "/keys/old.jwk" },
      /RELEASE_SIGNING_KEY_FILE: names another file than SIGNING_KEY_FILE: it is SIGNING_KEY_FILE's deprecated name/,
    ],
    [{ PORT: "8090", STAGING_PORT: "8090" }, /STAGING_PORT: must differ from PORT and METRICS_PORT/],
    [
      { STAGING_PORT: "8090", MIRROR_PORT: "8090" },
      /MIRROR_PORT: must differ from PORT, METRICS_PORT and STAGING_PORT/,
    ],
    [{ MIRROR_UPSTREAM: "ftp://pypi.example/simple/" }, /MIRROR_UPSTREAM/],
    [{ NODE_ENV: "production" }, /PSEUDONYMISATION_KEY_FILE: is required in production/],
    [{ NODE_ENV: "production" }, /STAGING_KEY_FILE: is required in production/],
    [{ NODE_ENV: "production" }, /COOKIE_SECRET_FILE: is required in production/],
    [{ NODE_ENV: "production" }, /WORKSPACE_DOMAIN: is required in production/],
    [{ WORKSPACE_DOMAIN: "localhost" }, /WORKSPACE_DOMAIN: must be a DNS domain of two labels/],
    [{ WORKSPACE_DOMAIN: "https://ws.example" }, /WORKSPACE_DOMAIN: must be a DNS domain/],
    [{ WORKSPACE_DOMAIN: "*.ws.example" }, /WORKSPACE_DOMAIN: must be a DNS domain/],
    [
      { PUBLIC_URL: "https://spe.example", WORKSPACE_DOMAIN: "spe.example" },
      /WORKSPACE_DOMAIN: must not be PUBLIC_URL's host \(spe.example\)/,
    ],
    [
      { PUBLIC_URL: "https://ui.spe.example", WORKSPACE_DOMAIN: "spe.example" },
      /WORKSPACE_DOMAIN: must not be PUBLIC_URL's host \(ui.spe.example\) or hold it/,
    ],
    [{ AIRLOCK_AGENT_URL: "http://airlock.{namespace}/outbox" }, /AIRLOCK_AGENT_URL: must be an http\(s\) origin/],
    [{ AIRLOCK_MAX_FILES: "0" }, /AIRLOCK_MAX_FILES: /],
    [{ SESSION_IDLE_MINUTES: "0" }, /SESSION_IDLE_MINUTES: /],
    [{ STAGING_STORE: "minio" }, /STAGING_STORE: /],
    [
      { STAGING_STORE: "s3" },
      /STAGING_S3_BUCKET: is required when STAGING_STORE is s3[\s\S]*STAGING_S3_CREDENTIALS_FILE: is required when STAGING_STORE is s3/,
    ],
    [{ ...s3, STAGING_S3_BUCKET: "SPE_Staging" }, /STAGING_S3_BUCKET: must be a bucket name/],
    [{ ...s3, STAGING_S3_ENDPOINT: "minio:9000" }, /STAGING_S3_ENDPOINT: /],
    [{ ...s3, STAGING_S3_ENDPOINT: "ftp://minio:9000" }, /STAGING_S3_ENDPOINT: /],
    [{ ...s3, STAGING_S3_FORCE_PATH_STYLE: "yes" }, /STAGING_S3_FORCE_PATH_STYLE: must be true or false/],
    [{ ...s3, STAGING_S3_PREFIX: "/spe/" }, /STAGING_S3_PREFIX: must be empty or plain folder names/],
    [{ ...s3, STAGING_S3_PREFIX: "spe/../other/" }, /STAGING_S3_PREFIX: /],
    [{ ...s3, STAGING_S3_PREFIX: "spe" }, /STAGING_S3_PREFIX: /],
    [{ ...s3, STAGING_S3_REGION: "EU North" }, /STAGING_S3_REGION: must be a region name/],
    [{ STAGING_S3_BUCKET: "spe-staging" }, /STAGING_S3_BUCKET: is set but STAGING_STORE is not s3/],
  ])("refuses %o", (env, message) => {
    expect(problems(env)).toMatch(message);
  });

  it("refuses an S3 endpoint that carries credentials without repeating them", () => {
    const message = problems({ ...s3, STAGING_S3_ENDPOINT: "https://AKIAEXAMPLE:s3cr3t-value@s3.scb.example" });
    expect(message).toMatch(/STAGING_S3_ENDPOINT: must not carry credentials: put them in STAGING_S3_CREDENTIALS_FILE/);
    expect(message).not.toMatch(/AKIAEXAMPLE|s3cr3t-value/);
  });

  it("lists every problem in one message", () => {
    const message = problems({ PORT: "x", LOG_LEVEL: "loud", DATABASE_URL: "nope" });
    expect(message).toMatch(/has 3 problem\(s\)/);
    for (const key of ["PORT", "LOG_LEVEL", "DATABASE_URL"]) expect(message).toContain(`- ${key}: `);
  });
});
