import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ROLES } from "../../orchestrator/src/auth/roles";
import { NOTIFICATION_KIND_NAMES } from "../../orchestrator/src/notifications/notification-kinds";
import { SOFTWARE_CHOICES } from "../../orchestrator/src/permits/permit";
import { MIRROR_PORT, ORCHESTRATOR_PORT, STAGING_PORT } from "./names";

/**
 * The stack's configuration: one zod schema over every key of the `spe:` namespace, parsed once before
 * any resource is declared, so a bad stack fails with every problem named by its config key.
 */

/** Config keys whose values are credentials: they must be stored with `pulumi config set --secret`. */
export const SECRET_KEYS = ["databaseUrl", "oidcClientSecret"] as const;
/** Keys that hold plain strings; every other key holds JSON (objects, lists, numbers, booleans). */
const STRING_KEYS = new Set<string>(["publicUrl", "workspaceDomain", "logLevel", ...SECRET_KEYS]);

const cidr = z
  .union([z.cidrv4(), z.cidrv6()], { error: "must be a CIDR such as 10.0.0.0/24 or fd00::/64" })
  .refine(
    (c) => !c.endsWith("/0"),
    "must not be a /0: that is the whole internet; name the addresses of the service instead",
  );
const port = z.int().min(1).max(65535);
/** `group=role,…` with the orchestrator's roles (kebab-case names: nothing to escape). */
const roleMappingPattern = new RegExp(`^[^=,]+=(${ROLES.join("|")})(,[^=,]+=(${ROLES.join("|")}))*$`);
/** Where the orchestrator may send traffic: NetworkPolicies cannot name hosts, so addresses and a port. */
const destination = (defaultPort: number) =>
  z.strictObject({ cidrs: z.array(cidr).min(1, "must list at least one CIDR"), port: port.default(defaultPort) });

const imageName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/,
    "must be name:tag or name@sha256:<digest>, e.g. orchestrator:1.0.0",
  )
  .refine(
    (s) => !s.endsWith(":latest"),
    "must not be :latest: pin a version or a digest so every replica runs the same code",
  );

const secretRef = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be the name of a Secret in spe-system"),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a key of that Secret"),
});

/** A public JWK of a trusted HDAB; private members mean someone pasted a private key. */
const publicJwk = z
  .looseObject({ kty: z.enum(["EC", "OKP"], { error: "kty must be EC (ES256) or OKP (EdDSA)" }) })
  .refine((k) => !("d" in k), 'is a private key (it has "d"): give only the public key');

const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name: 3-63 lower-case letters, digits, '.' and '-'");
/**
 * Where pseudonymised deliveries wait for the data loaders: the shared data volume, or an S3-compatible
 * bucket reached by the orchestrator alone (loaders still fetch through its /staging), over https.
 */
const staging = z
  .discriminatedUnion(
    "store",
    [
      z.strictObject({ store: z.literal("directory") }),
      z.strictObject({
        store: z.literal("s3"),
        bucket: bucketName,
        endpoint: z
          .url({
            protocol: /^https$/,
            error: "must be the https URL of the S3-compatible service (without credentials)",
          })
          .refine(
            (u) => !new URL(u).username && !new URL(u).password,
            "must not carry credentials: they come from the credentials Secret",
          )
          .optional(),
        region: z
          .string()
          .regex(/^[a-z0-9-]{1,32}$/, "must be a region name such as eu-north-1")
          .default("us-east-1"),
        prefix: z
          .string()
          .regex(
            /^([A-Za-z0-9_][A-Za-z0-9._-]{0,127}\/){0,8}$/,
            "must be empty or plain folder names each followed by '/', e.g. spe/staging/",
          )
          .default(""),
        forcePathStyle: z.boolean().default(false),
        /** A Secret in spe-system holding JSON { accessKeyId, secretAccessKey }, made outside Pulumi. */
        credentials: secretRef,
        /** The bucket endpoint's addresses: the orchestrator's egress is opened to them alone. */
        network: destination(443),
      }),
    ],
    { error: 'must be { "store": "directory" } or { "store": "s3", "bucket", "credentials", "network", … }' },
  )
  .default({ store: "directory" });

const noCredentials = (u: string) => !new URL(u).username && !new URL(u).password;
/**
 * Whom the orchestrator tells of events: people by e-mail through an SMTP server, systems by signed webhooks.
 * Each is a destination the platform's egress opens to, and nothing else is: the orchestrator sends no
 * request to an address a person typed.
 */
const notifications = z
  .strictObject({
    smtp: z
      .strictObject({
        url: z
          .url({ protocol: /^smtps?$/, error: "must be smtp://host:port or smtps://host:port" })
          .refine(noCredentials, "must not carry credentials: they come from the credentials Secret"),
        from: z.string().min(3).max(320),
        /** A Secret in spe-system holding JSON { user, pass }, if the server wants a sign-in. */
        credentials: secretRef.optional(),
        network: destination(587),
      })
      .optional(),
    webhooks: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, "a webhook's name is lower-case letters, digits and dashes"),
        z.strictObject({
          url: z
            .url({ protocol: /^https$/, error: "must be an https URL" })
            .refine(noCredentials, "must not carry credentials"),
          events: z.array(z.enum(NOTIFICATION_KIND_NAMES)).min(1),
          dataHolders: z.array(z.string().min(1)).min(1).optional(),
          issuers: z.array(z.url()).min(1).optional(),
          /** A Secret in spe-system holding the shared signing secret (at least 32 characters). */
          secret: secretRef,
          network: destination(443),
        }),
      )
      .default({}),
  })
  .prefault({});

/**
 * The workspaces' package mirror: the fixed ClusterIP its Service gets (workspaces have no DNS, so they reach
 * it by address), the index it asks for allowlisted projects and that index's addresses (the orchestrator's
 * only new way out), and what a permit that does not say gets. Omitted: no Service, no new way in or out, and
 * no environment can install packages whatever its permit says.
 */
const packageMirror = z
  .strictObject({
    clusterIP: z.union([z.ipv4(), z.ipv6()], {
      error: "must be an address of the cluster's Service range that no Service holds, e.g. 10.96.0.83",
    }),
    upstream: z.strictObject({
      // https, so that the SHA-256 the index states, against which every file is checked, is the index's own.
      url: z
        .url({ protocol: /^https$/, error: "must be the https URL of a PEP 691 simple index" })
        .refine(noCredentials, "must not carry credentials")
        // Omitted: the orchestrator's own default, PyPI's index (MIRROR_UPSTREAM).
        .optional(),
      /** The addresses of the index's host and of the host its files are on (PyPI's differ). */
      network: destination(443),
    }),
    defaultSoftware: z.enum(SOFTWARE_CHOICES).default("none"),
  })
  .optional();

const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a Kubernetes quantity such as 500m, 512Mi or 2Gi");
const resources = z.strictObject({ cpu: quantity, memory: quantity });

/**
 * Workspaces are served on hosts of their own under this domain (a wildcard DNS name and certificate for
 * `*.<domain>` point at the orchestrator). Best a registrable domain apart from the UI's, as GitHub serves
 * user content from a domain of its own: then the UI's cookies never even reach a workspace's site.
 */
const workspaceDomain = z
  .string()
  .toLowerCase()
  .regex(
    /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "must be a DNS domain, best a registrable domain of its own, e.g. spe-workspaces.example",
  );

const schema = z
  .strictObject({
    publicUrl: z.url({ protocol: /^https$/, error: "must be the https URL people use, e.g. https://spe.example.org" }),
    workspaceDomain,
    images: z.strictObject({
      /** Must be the registry the orchestrator pulls environment images from (admission refuses others). */
      registry: z
        .string()
        .regex(
          /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
          "must be a registry host and path without a trailing slash, e.g. registry.spe.internal/spe",
        )
        .default("registry.spe.internal/spe"),
      orchestrator: imageName,
    }),
    // At least two: one holds the reconciler's Lease, the other serves the API and takes over the Lease.
    replicas: z.int().min(2, "must be at least 2: the API stays up while one replica restarts").max(20).default(2),
    databaseUrl: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }),
    oidc: z.strictObject({
      issuer: z.url({ protocol: /^https$/, error: "must be the https issuer URL of the OpenID Provider" }),
      clientId: z.string().min(1),
      rolesClaim: z.string().min(1).optional(),
      roleMapping: z
        .string()
        .regex(roleMappingPattern, `must be group=role,… with roles ${ROLES.join(", ")}`)
        .optional(),
      requiredAcr: z.array(z.string().min(1)).optional(),
      requiredAmr: z.array(z.string().min(1)).optional(),
    }),
    oidcClientSecret: z
      .string()
      .min(16, "must be the client secret the OpenID Provider issued (at least 16 characters)"),
    trustedIssuers: z
      .record(
        z.url(),
        z.strictObject({
          keys: z.array(publicJwk).min(1, "must list at least one public key"),
          clients: z.array(z.string().min(1)).optional(),
        }),
      )
      .refine((r) => Object.keys(r).length > 0, "must name at least one health data access body"),
    /**
     * Keys the orchestrator reads from files, each a Secret that already exists in spe-system: made and
     * rotated outside Pulumi, so the pseudonymisation master key never lands in Pulumi's state.
     */
    keySecrets: z.strictObject({
      pseudonymisation: secretRef,
      releaseSigning: secretRef,
      staging: secretRef,
      cookie: secretRef,
    }),
    staging,
    network: z.strictObject({
      /** The API server's endpoint addresses (what a NetworkPolicy sees after the Service's DNAT). */
      apiServer: destination(443),
      postgres: destination(5432),
      oidc: destination(443),
    }),
    notifications,
    packageMirror,
    /**
     * Prometheus: the orchestrator serves GET /metrics on `port`, and only pods in the namespace
     * `scraperNamespace` may reach it. Omitted: no metrics are served.
     */
    metrics: z
      .strictObject({
        port: z
          .int()
          .min(1024)
          .max(65535)
          .refine((p) => p !== ORCHESTRATOR_PORT, `must not be ${ORCHESTRATOR_PORT}, the orchestrator's own port`)
          .refine((p) => p !== STAGING_PORT, `must not be ${STAGING_PORT}, the data loaders' staging port`)
          .refine((p) => p !== MIRROR_PORT, `must not be ${MIRROR_PORT}, the workspaces' package mirror port`)
          .default(9464),
        scraperNamespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a namespace name, e.g. monitoring"),
      })
      .optional(),
    admission: z
      .strictObject({
        breakGlassGroups: z
          .array(
            z
              .string()
              .min(1)
              .regex(/^[^,]+$/, "must not contain a comma"),
          )
          .min(1)
          .default(["system:masters"]),
        egressAllowedCidrs: z.array(cidr).default([]),
      })
      .prefault({}),
    dataVolume: z
      .strictObject({
        size: quantity.default("100Gi"),
        storageClassName: z.string().min(1).optional(),
      })
      .prefault({}),
    resources: z
      .strictObject({
        requests: resources.default({ cpu: "250m", memory: "512Mi" }),
        limits: resources.default({ cpu: "2", memory: "4Gi" }),
      })
      .prefault({}),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
    auditRetentionDays: z
      .int()
      .min(365, "must be at least 365: EHDS requires access logs to be kept for at least one year")
      .default(3650),
    /**
     * Only for a control plane without nodes (the tests'): do not wait for Deployments and Services to
     * become ready, since no pod ever runs there.
     */
    skipAwait: z.boolean().default(false),
  })
  .superRefine((config, ctx) => {
    // The UI on a workspace host would serve researchers' content with the UI's rights: the orchestrator refuses
    // to start so, and the stack says it first.
    const uiHost = new URL(config.publicUrl).hostname;
    if (uiHost === config.workspaceDomain || uiHost.endsWith(`.${config.workspaceDomain}`))
      ctx.addIssue({
        code: "custom",
        path: ["workspaceDomain"],
        message: `must not be the public URL's host (${uiHost}) or a domain above it: workspaces never share the UI's host`,
      });
  });

export type ParsedStackConfig = z.infer<typeof schema>;
type SecretKey = (typeof SECRET_KEYS)[number];

/** The validated configuration, with the credentials only as Pulumi secrets. */
export type StackConfig = Omit<ParsedStackConfig, SecretKey> & { secrets: Record<SecretKey, pulumi.Output<string>> };

export class StackConfigError extends Error {
  readonly code = "STACK_CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Validates the raw values of the `spe:` keys (strings as Pulumi stores them, or already parsed) and says,
 * per config key, what is wrong. Never repeats a value: some are credentials.
 */
export function parseStackConfig(
  raw: Record<string, unknown>,
  secretKeys: ReadonlySet<string>,
  project = "spe",
): ParsedStackConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string" || STRING_KEYS.has(key)) values[key] = value;
    else {
      try {
        values[key] = JSON.parse(value);
      } catch {
        problems.push(
          `- ${project}:${key}: is not valid JSON (objects and lists are set with \`pulumi config set --path\` or in the stack file)`,
        );
      }
    }
  }
  for (const key of SECRET_KEYS)
    if (raw[key] !== undefined && !secretKeys.has(key))
      problems.push(
        `- ${project}:${key}: must be stored as a secret: \`pulumi config set --secret ${project}:${key} …\``,
      );
  // The input is kept on issues only to tell "missing" from "wrong"; it is never printed.
  const result = schema.safeParse(values, { reportInput: true });
  if (!result.success)
    for (const issue of result.error.issues) {
      const [key, ...rest] = issue.path.map(String);
      const where =
        key === undefined
          ? project
          : `${project}:${key}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown key(s) ${issue.keys.join(", ")}`
          : issue.code === "invalid_type" && issue.input === undefined
            ? "is required"
            : issue.message;
      problems.push(`- ${where}: ${message}`);
    }
  if (problems.length > 0)
    throw new StackConfigError(`The stack configuration has ${problems.length} problem(s):\n${problems.join("\n")}`);
  return result.data!;
}

/**
 * Reads every `spe:` key of the running stack, validates them together and hands the credentials on only
 * as secrets (`requireSecret`), so they stay encrypted in the state and marked secret downstream.
 */
export function readStackConfig(config = new pulumi.Config()): StackConfig {
  const prefix = `${config.name}:`;
  const raw = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
  const secretKeys = new Set(Object.keys(raw).filter((k) => isConfigSecret(prefix + k)));
  const { databaseUrl: _d, oidcClientSecret: _o, ...parsed } = parseStackConfig(raw, secretKeys, config.name);
  return {
    ...parsed,
    secrets: {
      databaseUrl: config.requireSecret("databaseUrl"),
      oidcClientSecret: config.requireSecret("oidcClientSecret"),
    },
  };
}

/**
 * Whether the engine passed this key as a secret. The SDK keeps the function internal (not in its types);
 * without it we could not refuse a credential stored in plain text, so a missing function is an error.
 */
function isConfigSecret(fullKey: string): boolean {
  const fn = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (typeof fn !== "function")
    throw new StackConfigError(
      "This @pulumi/pulumi no longer exposes runtime.isConfigSecret; infra/pulumi/stack-config.ts must learn another way to tell secret config keys.",
    );
  return fn(fullKey);
}
