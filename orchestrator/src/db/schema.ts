import { desc, eq, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { OutputFileType } from "../outputs/requests/output-file-type";
import type { RequestState } from "../outputs/requests/request-state";
import type { FileDecision, Vote } from "../outputs/requests/review-rules";
import type { PermitPayload } from "../permits/permit";
import type { NotificationAbout, NotificationKind } from "../notifications/notification-kinds";

/**
 * Server-side sessions of people signed in through OIDC. The cookie carries a random token; only its
 * SHA-256 is stored, so a copy of this table does not let anyone sign in.
 */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    subject: text("subject").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    roles: jsonb("roles").$type<string[]>().notNull(),
    /** Kept for RP-initiated logout (id_token_hint). */
    idToken: text("id_token"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_subject_idx").on(t.subject), index("sessions_expires_at_idx").on(t.expiresAt)],
);

/**
 * One-time codes that carry a signed-in person from the UI to one workspace host (gateway/handshake.ts):
 * bound to the person, the host and the UI session they came from, valid for a minute, used once. Only
 * SHA-256 of the code is stored.
 */
export const workspaceCodes = pgTable(
  "workspace_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    /** The workspace host's label (gateway/workspace-hosts.ts). */
    label: text("label").notNull(),
    namespace: text("namespace").notNull(),
    subject: text("subject").notNull(),
    /** The UI session it was made from: signing out there ends it. */
    sessionHash: text("session_hash")
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("workspace_codes_expires_at_idx").on(t.expiresAt)],
);

/**
 * Sessions of one workspace host, each made from a UI session by the handshake and ended with it (sign-out,
 * idleness, expiry: the cascade). The cookie carries a random token; only its SHA-256 is stored. The names of
 * the cookies the workspace set for its own host are kept: only those are forwarded to it.
 */
export const workspaceSessions = pgTable(
  "workspace_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    label: text("label").notNull(),
    namespace: text("namespace").notNull(),
    subject: text("subject").notNull(),
    sessionHash: text("session_hash")
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: "cascade" }),
    cookieNames: jsonb("cookie_names").$type<string[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("workspace_sessions_session_hash_idx").on(t.sessionHash)],
);

/**
 * What each person wants of their own workspace in an environment (environments/workspace-wishes.ts): when
 * they last opened it (started), when it was last stopped and why (idle, or an operator's reason), and when
 * the gateway last saw it used. The Deployment runs while the newest of these is a start; the person's state
 * (stopped, starting, running, idle-stopped, failed) is this and what the cluster says of the pod.
 */
export const workspaceWishes = pgTable(
  "workspace_wishes",
  {
    namespace: text("namespace").notNull(),
    /** The opaque id of the person's workspace (gateway/workspace-identities.ts). */
    personId: text("person_id").notNull(),
    /** Who it is, for operators' "who runs what": the permit names them anyway. */
    subject: text("subject").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    /** idle, operator, or what else stopped it last. */
    stopCause: text("stop_cause").$type<"idle" | "operator">(),
    stopReason: text("stop_reason"),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }),
    /** The tool the person picked among the permit's (tools/tool-registry.ts); null: the permit's first. */
    tool: text("tool"),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.personId] })],
);

/** The current version of every permit received: the highest sequence wins. */
export const permits = pgTable(
  "permits",
  {
    permitId: text("permit_id").primaryKey(),
    issuer: text("issuer").notNull(),
    sequence: integer("sequence").notNull(),
    status: text("status").$type<"granted" | "revoked">().notNull(),
    payload: jsonb("payload").$type<PermitPayload>().notNull(),
    /** SHA-256 of the canonical payload: tells an identical re-import from a conflicting one. */
    payloadHash: text("payload_hash").notNull(),
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** The purpose's description, kept beside the payload for the operators' table to search and show. */
    purpose: text("purpose").generatedAlwaysAs(sql`payload -> 'purpose' ->> 'description'`),
  },
  (t) => [index("permits_valid_until_idx").on(t.validUntil)],
);

/** Every signed version of every permit, as received: the evidence of what was granted when. */
export const permitRevisions = pgTable(
  "permit_revisions",
  {
    permitId: text("permit_id")
      .notNull()
      .references(() => permits.permitId),
    sequence: integer("sequence").notNull(),
    jws: text("jws").notNull(),
    payloadHash: text("payload_hash").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.permitId, t.sequence] })],
);

/** An operator's deletion of a departed person's home (environments.homeDeletions). */
export interface HomeDeletion {
  subject: string;
  requestedAt: string;
}

/** One environment per permit: what we want of it and what the reconciler last saw. */
export const environments = pgTable(
  "environments",
  {
    permitId: text("permit_id")
      .primaryKey()
      .references(() => permits.permitId),
    namespace: text("namespace").notNull().unique(),
    /** active: workspace running; suspended: scaled to zero, gateway refuses; torn-down: namespace deleted. */
    desiredState: text("desired_state").$type<"active" | "suspended" | "torn-down">().notNull(),
    /** Moves whenever what we want changes (amendment, suspend, resume, teardown). */
    generation: integer("generation").notNull(),
    observedGeneration: integer("observed_generation").notNull().default(0),
    conditions: jsonb("conditions").$type<Condition[]>().notNull().default([]),
    /** What teardown deleted and when, once it has. */
    teardown: jsonb("teardown").$type<Record<string, unknown>>(),
    /**
     * Departed persons' homes an operator deleted before teardown: the reconciler removes the home the
     * person had when it was asked (one made before `requestedAt`), and no later one.
     */
    homeDeletions: jsonb("home_deletions").$type<HomeDeletion[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    /**
     * Since when the environment has been in its present state (desired state and Ready's status and reason):
     * kept by a trigger on every write, whoever writes (migrations/0015), for operators' "in this state since".
     */
    stateSince: timestamp("state_since", { withTimezone: true }).notNull().defaultNow(),
    /**
     * The Ready condition's status and reason, kept beside the conditions for the operators' table: its state
     * filter and counts read every row, and reading them out of the JSON on each was most of a page's time.
     */
    readyStatus: text("ready_status").generatedAlwaysAs(
      sql`jsonb_path_query_first(conditions, '$[*] ? (@.type == "Ready")') ->> 'status'`,
    ),
    readyReason: text("ready_reason").generatedAlwaysAs(
      sql`jsonb_path_query_first(conditions, '$[*] ? (@.type == "Ready")') ->> 'reason'`,
    ),
  },
  // The operators' table sorts by these: a page reads its rows off an index, not all of them.
  (t) => [
    index("environments_created_at_idx").on(t.createdAt, t.namespace),
    index("environments_state_since_idx").on(t.stateSince, t.namespace),
  ],
);

/**
 * Each change of an environment's conditions as the reconciler recorded it: a condition that appeared or
 * changed its status or reason, with its sentence and when it was written. A trigger on environments appends
 * them (migrations/0015), so operators see conditions over time without the reconciler keeping a history.
 */
export const environmentConditionChanges = pgTable(
  "environment_condition_changes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    namespace: text("namespace").notNull(),
    type: text("type").notNull(),
    status: text("status").notNull(),
    reason: text("reason").notNull(),
    message: text("message").notNull(),
    values: jsonb("values").$type<Record<string, string>>(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("environment_condition_changes_namespace_idx").on(t.namespace, t.changedAt)],
);

/**
 * The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained, so that a
 * supervisor can check that no event was changed or removed. See src/audit/.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    /** 1, 2, 3, … without gaps: appends take a table lock, never a database sequence (those skip on rollback). */
    sequence: bigint("sequence", { mode: "number" }).primaryKey(),
    time: timestamp("time", { withTimezone: true }).notNull(),
    actorSubject: text("actor_subject").notNull(),
    actorRole: text("actor_role").notNull(),
    actorAddress: text("actor_address"),
    action: text("action").notNull(),
    target: text("target").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    previousHash: text("previous_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_time_idx").on(t.time),
    index("audit_events_target_idx").on(t.target),
    index("audit_events_actor_subject_idx").on(t.actorSubject),
  ],
);

/** A status condition in the Kubernetes style. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  /** The variable parts of `message` (its reason's sentence), for saying it in another language. */
  values?: Record<string, string>;
  observedGeneration: number;
  lastTransitionTime: string;
}

/**
 * An export request: files a researcher asks to take out of an environment. Its state moves only through
 * the table in src/outputs/requests/request-state.ts.
 */
export const exportRequests = pgTable(
  "export_requests",
  {
    id: text("id").primaryKey(),
    permitId: text("permit_id")
      .notNull()
      .references(() => permits.permitId),
    namespace: text("namespace").notNull(),
    requester: text("requester").notNull(),
    title: text("title").notNull(),
    justification: text("justification").notNull(),
    state: text("state").$type<RequestState>().notNull(),
    /** From the permit when the request was made: the SDC profile and the approvals each file needs. */
    profile: text("profile").notNull(),
    reviewersRequired: integer("reviewers_required").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** The release record as a compact JWS signed by the orchestrator, once released. */
    releaseRecord: text("release_record"),
  },
  (t) => [index("export_requests_permit_idx").on(t.permitId), index("export_requests_state_idx").on(t.state)],
);

/**
 * One version of one file of a request. Submitting copies the file into quarantine (content-addressed by
 * its SHA-256) and checks it; a new version after changes were requested starts its votes afresh.
 */
export const exportFiles = pgTable(
  "export_files",
  {
    requestId: text("request_id")
      .notNull()
      .references(() => exportRequests.id),
    path: text("path").notNull(),
    version: integer("version").notNull(),
    /** The newest version of its path; older versions stay as the record of what was reviewed. */
    current: boolean("current").notNull(),
    type: text("type").$type<OutputFileType>().notNull(),
    /** Set when the file is copied into quarantine on submit. */
    size: bigint("size", { mode: "number" }),
    sha256: text("sha256"),
    /**
     * The file as it came from the outbox, when what is kept differs from it: an image is re-encoded to a
     * fresh raster, and `sha256` is that raster's (what checkers saw and what leaves).
     */
    submittedSha256: text("submitted_sha256"),
    /**
     * What the researcher declared of a frequency table for the differencing check: the population it
     * counts and which of its columns are dimensions. Null when not declared.
     */
    population: text("population"),
    dimensions: jsonb("dimensions").$type<string[]>(),
    checkStatus: text("check_status").$type<"pass" | "review" | "fail">(),
    checkReport: jsonb("check_report").$type<Record<string, unknown>>(),
    decision: text("decision").$type<FileDecision>().notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.path, t.version] })],
);

/** One checker's vote on one version of one file; the first vote of each checker is the one that counts. */
export const exportVotes = pgTable(
  "export_votes",
  {
    requestId: text("request_id").notNull(),
    path: text("path").notNull(),
    version: integer("version").notNull(),
    checker: text("checker").notNull(),
    vote: text("vote").$type<Vote>().notNull(),
    comment: text("comment").notNull(),
    castAt: timestamp("cast_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.path, t.version, t.checker] }),
    foreignKey({
      columns: [t.requestId, t.path, t.version],
      foreignColumns: [exportFiles.requestId, exportFiles.path, exportFiles.version],
    }),
  ],
);

/**
 * A checker's "I take it" on a request under review, so that colleagues pick other work. It is advisory:
 * it decides nothing and holds no one back from voting. Others learn only how many have taken a request,
 * never who, so that a claim cannot tell anyone whose vote to expect (or to lobby) while votes are blinded.
 */
export const exportClaims = pgTable(
  "export_claims",
  {
    requestId: text("request_id")
      .notNull()
      .references(() => exportRequests.id),
    checker: text("checker").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.checker] })],
);

/**
 * A data holder's delivery of one dataset extract for one permit. The raw upload lives only until it is
 * validated; what stays is its hash, the validation report and, once staged, the pseudonymised manifest.
 */
export const deliveries = pgTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    permitId: text("permit_id")
      .notNull()
      .references(() => permits.permitId),
    namespace: text("namespace").notNull(),
    datasetId: text("dataset_id").notNull(),
    datasetVersion: text("dataset_version").notNull(),
    /** The data holder's OAuth client id, or an operator's subject for an upload through the UI/CLI. */
    deliveredBy: text("delivered_by").notNull(),
    /** receiving → staged | rejected | failed. */
    state: text("state").$type<"receiving" | "staged" | "rejected" | "failed">().notNull(),
    bytes: bigint("bytes", { mode: "number" }),
    uploadSha256: text("upload_sha256"),
    rows: bigint("rows", { mode: "number" }),
    /** Every finding of a rejected extract (row numbers, never values). */
    report: jsonb("report").$type<Record<string, unknown>>(),
    /** The pseudonymised files' manifest once staged. */
    manifest: jsonb("manifest").$type<Record<string, unknown>>(),
    manifestSha256: text("manifest_sha256"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("deliveries_permit_idx").on(t.permitId, t.datasetId, t.datasetVersion)],
);

/**
 * Per permit and dataset version, the newest staged delivery: a later one replaces the earlier, and a newer
 * one without a manifest still hides an older one. Defined once here, so that what the data loader stages and
 * what a researcher's page shows cannot choose differently. Filters on its permit and dataset columns reach
 * the index through the DISTINCT ON.
 */
export const newestStagedDeliveries = pgView("newest_staged_deliveries").as((qb) =>
  qb
    .selectDistinctOn([deliveries.permitId, deliveries.datasetId, deliveries.datasetVersion])
    .from(deliveries)
    .where(eq(deliveries.state, "staged"))
    .orderBy(deliveries.permitId, deliveries.datasetId, deliveries.datasetVersion, desc(deliveries.finishedAt)),
);

/**
 * What a machine client's POST with an `Idempotency-Key` answered, so that a retry of the same request
 * gets the same answer and creates nothing twice. Keyed per client: two clients may pick the same key.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** The OAuth client id, or the permit issuer for a permit push (authenticated by its signature). */
    clientId: text("client_id").notNull(),
    key: text("key").notNull(),
    /** e.g. "POST /api/v1/permits": the same key on another operation is a conflict. */
    operation: text("operation").notNull(),
    /** SHA-256 of the request body: the same key with another body is a conflict. */
    requestSha256: text("request_sha256").notNull(),
    /** null while the first request is still being handled. */
    status: integer("status"),
    response: jsonb("response").$type<unknown>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/**
 * The record of activities inside workspaces (src/activity/): what the gateway saw each person do — code
 * sent to a kernel, terminals, files opened and saved, transfers refused. Apart from the audit log because
 * it is written far more often (in batches, not a table lock per cell) and may hold values from the data
 * (the code itself): only auditors read it. Append-only like the audit log, and hash-chained over batches.
 */
export const activityBatches = pgTable("activity_batches", {
  /** 1, 2, 3, … without gaps, like the audit log's sequence. */
  sequence: bigint("sequence", { mode: "number" }).primaryKey(),
  time: timestamp("time", { withTimezone: true }).notNull(),
  /** How many entries the batch holds: positions 1 to this. */
  entries: integer("entries").notNull(),
  previousHash: text("previous_hash").notNull(),
  /** SHA-256 over the batch's canonical JSON, its entries included (activity-hash.ts). */
  hash: text("hash").notNull(),
});

export const activityEntries = pgTable(
  "activity_entries",
  {
    batch: bigint("batch", { mode: "number" })
      .notNull()
      .references(() => activityBatches.sequence),
    position: integer("position").notNull(),
    time: timestamp("time", { withTimezone: true }).notNull(),
    namespace: text("namespace").notNull(),
    /** The signed-in person whose workspace host it was. */
    subject: text("subject").notNull(),
    kind: text("kind").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batch, t.position] }),
    index("activity_entries_person_idx").on(t.namespace, t.subject, t.time),
  ],
);

/**
 * What the orchestrator knows of a person beyond a session: where to write to, and what they chose. Written at
 * each sign-in (name, e-mail and roles from the identity provider) and by the person's own settings. Operators
 * and output checkers are told of events through it; researchers' addresses come from their permits.
 */
export const people = pgTable(
  "people",
  {
    subject: text("subject").primaryKey(),
    name: text("name").notNull(),
    email: text("email"),
    roles: jsonb("roles").$type<string[]>().notNull(),
    /** The UI's and the e-mails' language; null until the person chooses one (Swedish then). */
    language: text("language").$type<"sv" | "en">(),
    /** Whether the person wants e-mail about events; on until they turn it off. */
    emailNotifications: boolean("email_notifications").notNull().default(true),
    signedInAt: timestamp("signed_in_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("people_roles_idx").using("gin", t.roles)],
);

/**
 * The notification outbox: one row per event worth telling someone, written in the same transaction as the
 * action it is about (so it exists exactly when the action does) and holding ids only, never data. The
 * sender expands each into deliveries, one per recipient, after commit (src/notifications/).
 */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    about: jsonb("about").$type<NotificationAbout>().notNull(),
    /** Set for events that a sweep could find twice (a permit ending in 30 days): the second is not written. */
    dedupeKey: text("dedupe_key").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** When its deliveries were written; null while the sender has not got to it. */
    expandedAt: timestamp("expanded_at", { withTimezone: true }),
  },
  (t) => [
    index("notifications_unexpanded_idx")
      .on(t.createdAt)
      .where(sql`${t.expandedAt} is null`),
  ],
);

/**
 * One message of a notification to one recipient, by e-mail or by webhook, retried with backoff until it is
 * sent or given up (`failed`): what operators see when one does not arrive.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: text("id").primaryKey(),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notifications.id),
    channel: text("channel").$type<"email" | "webhook">().notNull(),
    /** The e-mail address, or the webhook's name in the installation's configuration. */
    recipient: text("recipient").notNull(),
    /** The person written to (their OIDC subject), for e-mail. */
    person: text("person"),
    language: text("language").$type<"sv" | "en">().notNull(),
    state: text("state").$type<"pending" | "sent" | "failed">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    /** What went wrong the last time, in words for operators (no secret, no body). */
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("notification_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    index("notification_deliveries_notification_idx").on(t.notificationId),
  ],
);

/**
 * The projects environments' workspaces may install from the package mirror, in PyPI's normal form (PEP 503).
 * Operators keep it (each change an audit event); the mirror refuses every other name before asking upstream.
 */
export const packageAllowlist = pgTable("package_allowlist", {
  name: text("name").primaryKey(),
  /** Who put it on the list (an operator's subject) and when. */
  addedBy: text("added_by").notNull(),
  addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
});

/**
 * A permit's budget set by an operator, for a permit that carries none of its own (a permit's own is in its
 * payload and wins): the amount in the price list's currency, who set it and why. Each change is an audit
 * event too; a new amount arms the 80 % warning and the 100 % action again (costs/budget-watch.ts).
 */
export const permitBudgets = pgTable("permit_budgets", {
  permitId: text("permit_id")
    .primaryKey()
    .references(() => permits.permitId),
  amount: doublePrecision("amount").notNull(),
  currency: text("currency").notNull(),
  setBy: text("set_by").notNull(),
  reason: text("reason").notNull(),
  setAt: timestamp("set_at", { withTimezone: true }).notNull(),
});
