import { fileURLToPath } from "node:url";
import { z } from "zod";
import { environmentConfigSchema, type EnvironmentConfig } from "./environments/environment-config";
import { SpeError } from "./errors";
import { BUDGET_ACTIONS } from "./costs/budget-actions";
import { DEFAULT_ROLE_MAPPING, ROLES, type Role } from "./auth/roles";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const role = z.enum(ROLES);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Maps group names from the IdP's claim to our roles: `group=role,group=role`. */
const roleMapping = z.string().transform((s, ctx) => {
  const map: Record<string, Role> = {};
  for (const pair of s
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [group, mapped] = pair.split("=").map((p) => p.trim());
    const parsed = role.safeParse(mapped);
    if (!group || !parsed.success) {
      ctx.addIssue({
        code: "custom",
        message: `"${pair}" is not group=role with role one of ${role.options.join(", ")}`,
      });
      return z.NEVER;
    }
    map[group] = parsed.data;
  }
  return map;
});

const commaList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  );

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Where GET /metrics (Prometheus text format) is served, on a listener of its own; unset: not served. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** The metrics listener's address: loopback, unless the scraper comes from elsewhere (e.g. the pod's address). */
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * Where the data loaders fetch staged files (GET /staging/…), on a listener of its own that serves nothing
     * else, so that no ingress in front of PORT exposes it; environments' NetworkPolicies let only loaders in.
     */
    STAGING_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
    /** The staging listener's address: loopback, unless loaders come from elsewhere (in a cluster, the pod's address). */
    STAGING_HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * Where environments' pip reaches the package mirror (PyPI's simple index for allowlisted projects), on a
     * listener of its own: workspaces are hostile callers, and their NetworkPolicy opens this port alone.
     */
    MIRROR_PORT: z.coerce.number().int().min(0).max(65535).default(8083),
    /** The mirror listener's address: loopback, unless workspaces come from elsewhere (in a cluster, the pod's address). */
    MIRROR_HOST: z.string().min(1).default("127.0.0.1"),
    /** The index the mirror asks for allowlisted projects (PEP 691 JSON), and only for them. */
    MIRROR_UPSTREAM: z.url({ protocol: /^https?$/ }).default("https://pypi.org/simple/"),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The installation's name, as the signed compliance evidence names its issuer (with PUBLIC_URL). */
    INSTALLATION_NAME: z.string().trim().min(1).max(200).default("Secure processing environment"),
    /** The installation's time zone: the UI shows every time in it, with its offset (an IANA name). */
    TIME_ZONE: z
      .string()
      .default("Europe/Stockholm")
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, "must be an IANA time zone such as Europe/Stockholm"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DATA_DIR: z.string().min(1).default(`${repoRoot}.spe`),
    /** The built UI the orchestrator serves (`npm start` builds it here; the browser journeys build their own). */
    UI_DIR: z.string().min(1).default(`${repoRoot}workspace-ui/dist`),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** The role that runs the migrations and owns the tables; DATABASE_URL's role then may not change the audit log. */
    DATABASE_MIGRATION_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    KUBECONFIG: z.string().min(1).optional(),
    /** `0`: `npm start` runs no local node where it could; `1`: opted in (as the node tests need). Read by the cluster start-up; checked here so that a typo fails at once. */
    SPE_LOCAL_NODE: z.enum(["0", "1"], { error: 'must be "0" (no local node) or "1"' }).optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_ROLES_CLAIM: z.string().min(1).default("groups"),
    OIDC_ROLE_MAPPING: roleMapping.prefault(DEFAULT_ROLE_MAPPING),
    /** Assurance levels (`acr`) accepted at sign-in, comma-separated; empty: no requirement on the level. */
    OIDC_REQUIRED_ACR: commaList,
    /** Authentication methods (`amr`, RFC 8176) of which a sign-in must show one, e.g. `mfa,otp,hwk`; empty: none required. */
    OIDC_REQUIRED_AMR: commaList,
    DEV_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    /**
     * Where the gateway finds an environment's workspace by name; `{namespace}` is replaced by the
     * environment's. Unset: the orchestrator finds the pod it made itself (kube/owned-pod-origin.ts).
     */
    WORKSPACE_UPSTREAM: z
      .string()
      .regex(
        /^https?:\/\/[^/]+$/,
        "must be an http(s) origin without a path, e.g. http://workspace.{namespace}.svc.cluster.local",
      )
      .optional(),
    /**
     * The domain workspaces are served under, each on a host of its own (`<opaque label>.<domain>`); the
     * scheme and port are PUBLIC_URL's. Locally `ws.localhost`, which browsers resolve to loopback.
     */
    WORKSPACE_DOMAIN: z
      .string()
      .toLowerCase()
      .regex(
        /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        "must be a DNS domain of two labels or more, e.g. spe-workspaces.example",
      )
      .optional(),
    SESSION_IDLE_MINUTES: positiveInt(30),
    SESSION_MAX_HOURS: positiveInt(12),
    /**
     * How long audit events are kept. EHDS wants access logs kept at least one year, so less than 365 is
     * refused. The default, ten years, matches the longest a permit may run (EHDS: at most ten years), so
     * the log of a permit's whole life stays until the permit's end at the least.
     */
    AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(365, "must be at least 365: EHDS requires access logs to be kept for at least one year")
      .default(3650),
    /** The folder the signed checkpoints are published in (one file each, never rewritten); by default DATA_DIR/audit-checkpoints. */
    AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
    /** How often the chain's head is signed, when it moved; and once more at shutdown. */
    AUDIT_CHECKPOINT_SECONDS: positiveInt(60),
    /**
     * Where the orchestrator reaches an environment's airlock agent (its outbox, read-only) by name.
     * Unset: at the workspace pod it made itself, like the gateway.
     */
    AIRLOCK_AGENT_URL: z
      .string()
      .regex(
        /^https?:\/\/[^/]+$/,
        "must be an http(s) origin without a path, e.g. http://airlock.{namespace}.svc.cluster.local:8090",
      )
      .optional(),
    AIRLOCK_MAX_FILES: positiveInt(20),
    AIRLOCK_MAX_FILE_BYTES: positiveInt(16 * 1024 * 1024),
    AIRLOCK_MAX_CSV_ROWS: positiveInt(5000),
    /**
     * Private P-256 JWK that signs release records, audit checkpoints and compliance evidence reports (each
     * JWS typed apart; keys/signing-keys.ts); by default made on first start under DATA_DIR (not in production).
     */
    SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** JWK Set of the public keys SIGNING_KEY_FILE replaced: what they signed still verifies, and they are published. */
    SIGNING_RETIRED_KEYS_FILE: z.string().min(1).optional(),
    /** Deprecated: the earlier name of SIGNING_KEY_FILE, still read when that is not set. */
    RELEASE_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** The pseudonymisation master key (hex or base64, ≥ 32 bytes); by default made on first start under DATA_DIR (not in production). */
    PSEUDONYMISATION_KEY_FILE: z.string().min(1).optional(),
    /** Signs the data loaders' capabilities to fetch staged files (hex or base64, ≥ 32 bytes); by default made on first start under DATA_DIR (not in production). */
    STAGING_KEY_FILE: z.string().min(1).optional(),
    /** Where pseudonymised deliveries wait for the data loaders: a folder under DATA_DIR, or an S3-compatible bucket. */
    STAGING_STORE: z.enum(["directory", "s3"]).default("directory"),
    /** The S3-compatible server (https://…, or http://… inside a trusted network); without it, AWS's endpoint for the region. */
    STAGING_S3_ENDPOINT: z
      .url({ protocol: /^https?$/ })
      .refine(
        (u) => !new URL(u).username && !new URL(u).password,
        "must not carry credentials: put them in STAGING_S3_CREDENTIALS_FILE",
      )
      .optional(),
    STAGING_S3_BUCKET: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "must be a bucket name: 3-63 lower-case letters, digits, '.' and '-'",
      )
      .optional(),
    STAGING_S3_REGION: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, "must be a region name such as eu-north-1")
      .default("us-east-1"),
    /** Put before every object key, e.g. `spe/staging/`; nothing in the bucket outside it is touched. */
    STAGING_S3_PREFIX: z
      .string()
      .regex(
        /^([A-Za-z0-9_][A-Za-z0-9._-]{0,127}\/){0,8}$/,
        "must be empty or plain folder names each followed by '/', e.g. spe/staging/",
      )
      .default(""),
    /** `true` for servers that want https://host/bucket/key (most self-hosted ones) rather than https://bucket.host/key. */
    STAGING_S3_FORCE_PATH_STYLE: z
      .enum(["true", "false"], "must be true or false")
      .default("false")
      .transform((v) => v === "true"),
    /** JSON `{ "accessKeyId", "secretAccessKey", "sessionToken"? }`: the bucket's credentials, in a file so that no secret sits in the environment. */
    STAGING_S3_CREDENTIALS_FILE: z.string().min(1).optional(),
    /** Signs the sign-in cookies (OIDC state, nonce, PKCE verifier; hex or base64, ≥ 32 bytes): the same for every replica, so a sign-in may return to another one. By default made on first start under DATA_DIR (not in production). */
    COOKIE_SECRET_FILE: z.string().min(1).optional(),
    /**
     * How environments are built, as JSON (environments/environment-config.ts): image registry and names,
     * the platform namespace, the staging URL, ports, the cluster DNS, volume size. Omitted keys keep
     * their defaults; unknown keys are refused.
     */
    ENVIRONMENT_SETTINGS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        let json: unknown = {};
        try {
          json = text === undefined ? {} : JSON.parse(text);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: `is not JSON: ${(err as Error).message}` });
          return z.NEVER;
        }
        const parsed = environmentConfigSchema.strict().safeParse(json);
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
          return z.NEVER;
        }
        return parsed.data;
      }),
    /** The largest extract one delivery may carry. */
    DELIVERY_MAX_BYTES: positiveInt(20 * 1024 ** 3),
    /** The audience data holders' access tokens must name; by default PUBLIC_URL + /api/v1. */
    MACHINE_TOKEN_AUDIENCE: z.url().optional(),
    /** JSON `{ "<issuer>": { "keys": [JWK, …] } }`: the HDABs whose signed permits we accept. */
    TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
    /** The SMTP server people's e-mail goes through (`smtp://host:port`, STARTTLS when offered, or `smtps://`); unset: no e-mail. */
    SMTP_URL: z
      .url({ protocol: /^smtps?$/, error: "must be smtp://host:port or smtps://host:port" })
      .refine(
        (u) => !new URL(u).username && !new URL(u).password,
        "must not carry credentials: put them in SMTP_CREDENTIALS_FILE",
      )
      .optional(),
    /** JSON `{ "user", "pass" }` for an SMTP server that wants a sign-in: in a file, never in the environment. */
    SMTP_CREDENTIALS_FILE: z.string().min(1).optional(),
    /** The sender of the e-mails, e.g. `SPE <spe-noreply@scb.example>`. */
    MAIL_FROM: z.string().min(3).max(320).optional(),
    /** JSON `{ "<name>": { url, secretFile, events, dataHolders?, issuers? } }`: the systems told of events by signed webhooks. */
    NOTIFICATION_WEBHOOKS_FILE: z.string().min(1).optional(),
    /** JSON or YAML `{ currency, prices: [{ from, cpuHour, memoryGiBHour, storageGiBHour, gpuHour? }] }` (costs/price-list.ts); unset: no costs are shown. */
    PRICE_LIST_FILE: z.string().min(1).optional(),
    /** What happens when an environment has cost its permit's whole budget: `notify` its researchers, or also `pause` it. */
    BUDGET_ACTION: z.enum(BUDGET_ACTIONS).default("notify"),
  })
  .superRefine((env, ctx) => {
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
      ctx.addIssue({
        code: "custom",
        path: ["METRICS_PORT"],
        message: "must differ from PORT: the metrics are served apart from the users' port",
      });
    if (env.STAGING_PORT !== 0 && (env.STAGING_PORT === env.PORT || env.STAGING_PORT === env.METRICS_PORT))
      ctx.addIssue({
        code: "custom",
        path: ["STAGING_PORT"],
        message:
          "must differ from PORT and METRICS_PORT: the data loaders' endpoint is served apart from everything else",
      });
    if (env.MIRROR_PORT !== 0 && [env.PORT, env.METRICS_PORT, env.STAGING_PORT].includes(env.MIRROR_PORT))
      ctx.addIssue({
        code: "custom",
        path: ["MIRROR_PORT"],
        message:
          "must differ from PORT, METRICS_PORT and STAGING_PORT: workspaces' pip reaches this listener and nothing else",
      });
    if (env.OIDC_ISSUER && (!env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET)) {
      for (const key of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const)
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when OIDC_ISSUER is set" });
    }
    if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL)
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_MIGRATION_URL"],
        message: "is set without DATABASE_URL: the orchestrator's own role connects through DATABASE_URL",
      });
    if (env.NODE_ENV === "production" && !env.PSEUDONYMISATION_KEY_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["PSEUDONYMISATION_KEY_FILE"],
        message: "is required in production: the master key must be one you keep (and never in an environment)",
      });
    if (env.NODE_ENV === "production" && !env.SIGNING_KEY_FILE && !env.RELEASE_SIGNING_KEY_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["SIGNING_KEY_FILE"],
        message:
          "is required in production: release records, audit checkpoints and evidence reports must be signed with a key you keep",
      });
    if (env.SIGNING_KEY_FILE && env.RELEASE_SIGNING_KEY_FILE && env.SIGNING_KEY_FILE !== env.RELEASE_SIGNING_KEY_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["RELEASE_SIGNING_KEY_FILE"],
        message:
          "names another file than SIGNING_KEY_FILE: it is SIGNING_KEY_FILE's deprecated name; keep SIGNING_KEY_FILE only (put a replaced key's public half in SIGNING_RETIRED_KEYS_FILE)",
      });
    if (env.NODE_ENV === "production" && !env.STAGING_KEY_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["STAGING_KEY_FILE"],
        message:
          "is required in production: every orchestrator replica must verify the loaders' capabilities with the same key",
      });
    if (env.NODE_ENV === "production" && !env.COOKIE_SECRET_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["COOKIE_SECRET_FILE"],
        message: "is required in production: every replica must verify the sign-in cookies the others signed",
      });
    if (env.STAGING_STORE === "s3") {
      if (!env.STAGING_S3_BUCKET)
        ctx.addIssue({ code: "custom", path: ["STAGING_S3_BUCKET"], message: "is required when STAGING_STORE is s3" });
      if (!env.STAGING_S3_CREDENTIALS_FILE)
        ctx.addIssue({
          code: "custom",
          path: ["STAGING_S3_CREDENTIALS_FILE"],
          message:
            "is required when STAGING_STORE is s3: the bucket's credentials come from a file, never from the environment",
        });
    } else {
      for (const key of ["STAGING_S3_ENDPOINT", "STAGING_S3_BUCKET", "STAGING_S3_CREDENTIALS_FILE"] as const)
        if (env[key])
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "is set but STAGING_STORE is not s3: set STAGING_STORE=s3 to stage into the bucket",
          });
    }
    if (env.NODE_ENV === "production" && !env.WORKSPACE_DOMAIN)
      ctx.addIssue({
        code: "custom",
        path: ["WORKSPACE_DOMAIN"],
        message:
          "is required in production: workspaces are served on hosts of their own under it (a wildcard DNS name and certificate)",
      });
    const uiHost = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).hostname : "localhost";
    if (env.WORKSPACE_DOMAIN && (uiHost === env.WORKSPACE_DOMAIN || uiHost.endsWith(`.${env.WORKSPACE_DOMAIN}`)))
      ctx.addIssue({
        code: "custom",
        path: ["WORKSPACE_DOMAIN"],
        message: `must not be PUBLIC_URL's host (${uiHost}) or hold it: the UI is never served on a workspace host`,
      });
    if (env.SMTP_URL && !env.MAIL_FROM)
      ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "is required when SMTP_URL is set" });
    for (const key of ["MAIL_FROM", "SMTP_CREDENTIALS_FILE"] as const)
      if (env[key] && !env.SMTP_URL)
        ctx.addIssue({ code: "custom", path: [key], message: "is set without SMTP_URL: set SMTP_URL to send e-mail" });
    if (env.NODE_ENV === "production" && !env.OIDC_ISSUER)
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "is required in production: the development OpenID Provider is refused there",
      });
  });

export type Config = Omit<z.infer<typeof schema>, "ENVIRONMENT_SETTINGS" | "WORKSPACE_DOMAIN"> & {
  publicUrl: string;
  /** WORKSPACE_DOMAIN, or `ws.localhost` outside production. */
  workspaceDomain: string;
  machineAudience: string;
  environments: EnvironmentConfig;
};

/** Parses the environment once at start-up; every problem is listed in one error. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const result = schema.safeParse(known);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join(".") || "environment"}: ${i.message}`);
    throw new SpeError("CONFIG_INVALID", `The configuration has ${lines.length} problem(s):\n${lines.join("\n")}`);
  }
  const c = result.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, "");
  const { ENVIRONMENT_SETTINGS: settings, WORKSPACE_DOMAIN, ...rest } = c;
  return {
    ...rest,
    publicUrl,
    workspaceDomain: WORKSPACE_DOMAIN ?? "ws.localhost",
    machineAudience: c.MACHINE_TOKEN_AUDIENCE ?? `${publicUrl}/api/v1`,
    environments: settings,
  };
}
