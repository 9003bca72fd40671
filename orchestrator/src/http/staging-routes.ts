import { createHash } from "node:crypto";
import { pipeline, Transform } from "node:stream";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import type { StagingCapabilities } from "../staging/staging-capability";
import { isSafeStagedPath } from "../deliveries/data-loader/staged-file-path";
import { stagedDatasets } from "../deliveries/staged-deliveries";
import { loadEnvironment } from "../environments/environment-store";
import {
  DEFAULT_REFUSAL_LIMITS,
  refusalBudget,
  type RefusalBudget,
  type RefusalLimitName,
  type RefusalLimits,
} from "../staging/refusal-budget";
import { NAMESPACE_NAME } from "../staging/staged-names";
import type { LoaderIdentity } from "../staging/loader-identity";
import { LOADER_TOKEN_HEADER } from "../deliveries/data-loader/loader-plan";
import { StagedFileUnavailable, type StagingStore } from "../staging/staging-store";

export interface StagingRoutesOptions {
  db: Db;
  /** Where the delivery pipeline staged the pseudonymised files: a folder or a bucket. */
  store: StagingStore;
  capabilities: StagingCapabilities;
  /** Whether a request comes from the environment's data-loader pod (its projected token, by TokenReview). */
  loaderIdentity: LoaderIdentity;
  now?: () => Date;
  /**
   * The budget its refusals count against: in the orchestrator, the one all strangers' refusals share
   * (http/stranger-refusals.ts). Without it, one of its own with `refusalLimits` (tests, the local node's).
   */
  refusals?: RefusalBudget;
  /** How many refusals are audited one by one before they are answered 429 and summarised. */
  refusalLimits?: RefusalLimits;
}

/** Stable codes of the staging endpoint, each with the HTTP status it answers with. */
export const STAGING_REFUSALS = {
  STAGING_PATH_INVALID: 400,
  STAGING_CAPABILITY_MISSING: 401,
  STAGING_CAPABILITY_INVALID: 403,
  STAGING_CAPABILITY_EXPIRED: 403,
  STAGING_LOADER_TOKEN_MISSING: 401,
  STAGING_NOT_THE_LOADER: 403,
  STAGING_NAMESPACE_UNKNOWN: 404,
  STAGING_FILE_NOT_STAGED: 404,
  STAGING_FILE_UNAVAILABLE: 503,
} as const;
/** Refusals past the limit (refusal-budget.ts): answered without an audit event each. */
export const STAGING_TOO_MANY_REFUSALS = 429;
export type StagingRefusalCode = keyof typeof STAGING_REFUSALS;

const MESSAGES: Record<StagingRefusalCode, string> = {
  STAGING_PATH_INVALID:
    "The path must be /staging/<namespace>/<delivery id>/<file> with a plain relative file path (no '..', no hidden or absolute parts).",
  STAGING_CAPABILITY_MISSING:
    "Send the file's capability from the loader Job's SPE_STAGED as 'Authorization: Bearer <capability>'.",
  STAGING_CAPABILITY_INVALID:
    "The capability was not made for this file of this environment. Use the one the loader Job carries for it.",
  STAGING_CAPABILITY_EXPIRED: "The capability has expired; the permit it was made for has ended.",
  STAGING_LOADER_TOKEN_MISSING: `Send the loader pod's projected token for the staging endpoint as '${LOADER_TOKEN_HEADER}'.`,
  STAGING_NOT_THE_LOADER:
    "The request does not come from this environment's data loader pod: a capability opens its file only together with the token the cluster gives that pod, for as long as the pod runs.",
  STAGING_NAMESPACE_UNKNOWN: "There is no active environment with this namespace.",
  STAGING_FILE_NOT_STAGED:
    "This file is not staged for this environment (a newer delivery may have replaced it; the reconciler starts a new loader Job).",
  STAGING_FILE_UNAVAILABLE: "The staged file cannot be read now; the operators have been told. The Job will try again.",
};

const stagingParams = z.object({
  namespace: z.string().regex(NAMESPACE_NAME),
  deliveryId: z.uuid(),
  "*": z.string().refine(isSafeStagedPath),
});
const bearer = z.string().regex(/^Bearer ([A-Za-z0-9._-]{1,200})$/);
/** A projected ServiceAccount token: a JWT. */
const loaderToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  .max(8192);

/** Request text as it may go into the audit log: bounded, and no control characters (jsonb refuses NUL). */
const printable = (text: string | undefined) =>
  text === undefined
    ? undefined
    : [...text.slice(0, 256)]
        .map((c) =>
          c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f
            ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`
            : c,
        )
        .join("");

/** Thrown into the response stream when a staged file turns out not to be what its manifest says. */
class StagedFileChanged extends Error {}

class Refusal extends Error {
  constructor(
    readonly code: StagingRefusalCode,
    readonly details: Record<string, unknown> = {},
    /**
     * Whether the request's capability was valid: such a refusal is the store's fault, not the client's, so it
     * does not count against the refusal budget (an S3 outage must not get working loaders throttled).
     */
    readonly capabilityVerified = false,
  ) {
    super(MESSAGES[code]);
  }
}

/** The 429's message: which limit was passed, and that a valid capability is still served. */
const tooManyRefusals = (limit: RefusalLimitName, retryAfterSeconds: number) =>
  `Too many refused requests ${limit === "address" ? "from this address" : "from all addresses together"}; try again in ${retryAfterSeconds} s. A loader with a valid capability is still served.`;

/**
 * `GET /staging/<namespace>/<delivery id>/<file>`: one staged, pseudonymised file for the environment's
 * data loader, streamed from the staging store. The loader pulls (rather than the orchestrator pushing into a listening
 * loader) so that a Job's retries, backoff and completion carry the loading, and nothing in the namespace
 * has to listen. It authenticates with a per-file capability the reconciler wrote into the Job (see
 * staging-capability.ts), which names a file that namespace may hold, until the permit ends, together with
 * the loader pod's own projected token (staging/loader-identity.ts), so that a capability read from the
 * Job's spec opens nothing outside that pod or after it. Every file served and every refusal is
 * an audit event, up to a limit per client address; past it, refusals are answered 429 and summarised in
 * one event per window, so that no one who can reach the endpoint can flood the audit log. A request whose
 * capability is valid never counts against that limit, even when the store cannot give its file.
 */
export function registerStagingRoutes(app: FastifyInstance, options: StagingRoutesOptions): void {
  // Encapsulated: the rate limiter it registers applies to nothing else of the app.
  void app.register(async (scope) => {
    const budget =
      options.refusals ??
      (await refusalBudget(scope, options.db, options.refusalLimits ?? DEFAULT_REFUSAL_LIMITS, scope.log));
    registerStagedFileRoute(scope, options, budget);
  });
}

function registerStagedFileRoute(app: FastifyInstance, options: StagingRoutesOptions, budget: RefusalBudget): void {
  const now = options.now ?? (() => new Date());
  const routeOptions = {
    exposeHeadRoute: false,
    // A file found changed before its first byte went out (a small one) still gets a stable answer.
    errorHandler: (err: Error, _req: FastifyRequest, reply: FastifyReply) => {
      if (!(err instanceof StagedFileChanged) || reply.sent) return reply.send(err);
      void reply.removeHeader("repr-digest").removeHeader("content-length").type("application/json; charset=utf-8");
      return reply
        .code(STAGING_REFUSALS.STAGING_FILE_UNAVAILABLE)
        .send({ error: "STAGING_FILE_UNAVAILABLE", message: MESSAGES.STAGING_FILE_UNAVAILABLE });
    },
  };
  app.get("/staging/:namespace/:deliveryId/*", routeOptions, async (req, reply) => {
    try {
      return await serveStagedFile(req, reply, options, now());
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      const params = req.params as Record<string, string>;
      const namespace = stagingParams.shape.namespace.safeParse(params.namespace).success
        ? params.namespace
        : undefined;
      const verdict = err.capabilityVerified
        ? ({ audit: true } as const)
        : await budget.admit(req, err.code, namespace);
      if (!verdict.audit)
        return reply
          .code(STAGING_TOO_MANY_REFUSALS)
          .header("retry-after", String(verdict.retryAfterSeconds))
          .send({
            error: "STAGING_TOO_MANY_REFUSALS",
            limit: verdict.limit,
            message: tooManyRefusals(verdict.limit, verdict.retryAfterSeconds),
          });
      const details = {
        code: err.code,
        deliveryId: printable(params.deliveryId),
        path: printable(params["*"]),
        ...err.details,
      };
      await recordAuditEvent(options.db, {
        actor: { subject: "unknown", role: "anonymous", address: req.ip },
        action: "staging.refused",
        target: `environment:${namespace ?? "unknown"}`,
        details,
      });
      if (err.code === "STAGING_CAPABILITY_MISSING")
        void reply.header("www-authenticate", 'Bearer realm="spe-staging"');
      return reply.code(STAGING_REFUSALS[err.code]).send({ error: err.code, message: err.message });
    }
  });
}

async function serveStagedFile(
  req: FastifyRequest,
  reply: FastifyReply,
  { db, store, capabilities, loaderIdentity }: StagingRoutesOptions,
  now: Date,
) {
  const params = stagingParams.safeParse(req.params);
  if (!params.success) throw new Refusal("STAGING_PATH_INVALID");
  const { namespace, deliveryId, "*": path } = params.data;
  const token = bearer.safeParse(req.headers.authorization);
  if (!token.success) throw new Refusal("STAGING_CAPABILITY_MISSING");

  const found = await loadEnvironment(db, namespace);
  // A permit past its validity is as good as revoked here, whether or not the reconciler has begun its teardown.
  if (
    !found ||
    found.environment.desiredState === "torn-down" ||
    found.permit.status !== "granted" ||
    found.permit.validUntil <= now
  )
    throw new Refusal("STAGING_NAMESPACE_UNKNOWN");
  // What the reconciler would give this environment now: the newest staged delivery of each dataset the permit still grants.
  const granted = found.permit.payload.datasets;
  const delivery = (await stagedDatasets(db, found.permit.permitId)).find(
    (s) => s.deliveryId === deliveryId && granted.some((d) => d.id === s.datasetId && d.version === s.version),
  );
  const file = delivery?.files.find((f) => f.path === path);
  if (!delivery || !file) throw new Refusal("STAGING_FILE_NOT_STAGED");

  const verdict = capabilities.verify(
    token.data.slice("Bearer ".length),
    { namespace, deliveryId, path, sha256: file.sha256 },
    now,
  );
  if (!verdict.ok) throw new Refusal(verdict.code);
  // The capability names the file; only the loader's own pod may use it (a copy from the Job's spec is worthless).
  const podToken = loaderToken.safeParse(req.headers[LOADER_TOKEN_HEADER]);
  if (!podToken.success) throw new Refusal("STAGING_LOADER_TOKEN_MISSING");
  const identity = await loaderIdentity(podToken.data, namespace);
  if (!identity.ok) throw new Refusal("STAGING_NOT_THE_LOADER", { reason: identity.reason });

  const ref = { namespace, datasetId: delivery.datasetId, datasetVersion: delivery.version, id: deliveryId };
  const opened = await store.openFile(ref, path).catch((err: unknown) => {
    if (!(err instanceof StagedFileUnavailable)) throw err;
    req.log.error(
      { ns: namespace, delivery: deliveryId, path, store: store.kind, reason: err.reason },
      "Failed to open staged file",
    );
    throw new Refusal("STAGING_FILE_UNAVAILABLE", { reason: err.reason }, true);
  });
  const loader: AuditActor = { subject: `data-loader:${namespace}`, role: "system", address: req.ip };
  const audit = {
    target: `environment:${namespace}`,
    details: {
      pod: identity.pod,
      deliveryId,
      dataset: { id: delivery.datasetId, version: delivery.version },
      path,
      sha256: file.sha256,
      bytes: opened.bytes,
    },
  };
  const checked = withheldUntilVerified(file.sha256, req.log, {
    served: () =>
      recordAuditEvent(db, { actor: loader, action: "staging.file-served", ...audit }).then(() => undefined),
    mismatch: (actual) =>
      recordAuditEvent(db, {
        actor: { subject: "system", role: "system", address: null },
        action: "staging.file-mismatch",
        ...audit,
        details: { ...audit.details, actualSha256: actual },
      }).then(() => undefined),
  });
  return (
    reply
      .header("content-type", "application/octet-stream")
      .header("content-length", String(opened.bytes))
      .header("cache-control", "no-store")
      .header("repr-digest", `sha-256=:${Buffer.from(file.sha256, "hex").toString("base64")}:`)
      // pipeline, not pipe: a broken connection or a mismatch closes the file (or the bucket's response) too.
      .send(pipeline(opened.body, checked, () => {}))
  );
}

/**
 * Passes a file through while hashing it, one chunk behind: the last chunk goes out only once the whole
 * file has hashed to what the manifest says and the serving is in the audit log. A staged file changed on
 * disk thus never reaches a loader whole (the connection breaks short of its length), and is reported.
 */
function withheldUntilVerified(
  expected: string,
  log: FastifyBaseLogger,
  record: { served: () => Promise<void>; mismatch: (actual: string) => Promise<void> },
): Transform {
  const hash = createHash("sha256");
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const actual = hash.digest("hex");
      if (actual === expected) return void record.served().then(() => done(null, held), done);
      log.error({ expected, actual }, "Refused to finish serving a staged file that no longer matches its manifest");
      void record
        .mismatch(actual)
        .finally(() => done(new StagedFileChanged("The staged file does not match its manifest's SHA-256.")));
    },
  });
}
