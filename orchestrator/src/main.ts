// Composition root: parse config, build the services, start serving, stop everything on SIGINT/SIGTERM.
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import {
  DEMO_ACCOUNTS,
  DEMO_DATA_HOLDER,
  DEMO_HDAB_CLIENT,
  DEMO_ONE_TIME_CODE,
  DEMO_PASSWORD,
} from "./auth/demo-accounts";
import { startDevIdentityProvider, type DevIdentityProvider } from "./auth/dev-provider";
import { createRelyingParty } from "./auth/oidc";
import { SessionStore } from "./auth/sessions";
import { startAuditCheckpoints } from "./audit/audit-checkpointer";
import { activityCheckpointSourceOf, checkpointSourceOf } from "./audit/checkpoint-settings";
import { startActivityCheckpoints } from "./activity/activity-checkpointer";
import { parseConfig } from "./config";
import { openDatabase, pgliteDirIn } from "./db/database";
import { EnvironmentController } from "./environments/controller";
import { keyFileOrDefault, readSecretKey } from "./keys/secret-key-file";
import { SpeError } from "./errors";
import { buildApp } from "./http/app";
import { workspaceHostKey, workspaceHosts } from "./gateway/workspace-hosts";
import { workspaceIdentities } from "./gateway/workspace-identities";
import { connectKube } from "./kube/client";
import { backgroundNode, connectCluster } from "./kube/local-or-configured";
import { ownedPodOrigin } from "./kube/owned-pod-origin";
import { DEFAULT_WORKSPACE_UPSTREAM, templateUpstream } from "./environments/service-origin";
import { startIdleCuller } from "./environments/idle-culler";
import { workspacesOf } from "./environments/workspace-control";
import { labActivityOf } from "./gateway/lab-activity";
import { WorkspaceConnections } from "./gateway/workspace-connections";
import type { EnvironmentConfig } from "./environments/environment-config";
import { importDemoPermit } from "./permits/demo-permit";
import { createPermitIntake } from "./permits/permit-intake";
import { createAirlock } from "./outputs/airlock";
import { machineTokenVerifier } from "./auth/machine-tokens";
import { deliverDemoExtract } from "./deliveries/demo-delivery";
import { deliveryServices } from "./deliveries/delivery-services";
import { stagingCapabilitiesFrom } from "./staging/staging-key";
import { tokenReviewLoaderIdentity } from "./staging/loader-identity";
import { buildStagingServer } from "./http/staging-server";
import { databaseAllowlist } from "./mirror/allowlist-store";
import { databaseMirrorClients } from "./mirror/mirror-clients";
import { buildPackageMirror } from "./mirror/package-mirror";
import { pypiUpstream } from "./mirror/pypi-upstream";
import { createMetrics } from "./metrics/metrics";
import { serveMetrics } from "./metrics/metrics-server";
import { readHealth } from "./http/health";
import { NotificationSender } from "./notifications/notification-sender";
import { smtpSender } from "./notifications/send-email";
import { readWebhookDestinations } from "./notifications/webhook-destinations";
import { readPriceList } from "./costs/price-list";
import { startBudgetWatch } from "./costs/budget-watch";
import { fileURLToPath } from "node:url";

const stops: Array<() => Promise<void>> = [];

let stopping = false;

async function shutdown(code: number): Promise<void> {
  // Once: a second signal must not start a second, out-of-order stop.
  if (stopping)
    return console.error(
      "Still stopping (the local node and the control plane, in order); press Ctrl-C again to stop at once",
    );
  stopping = true;
  const begun = Date.now();
  console.error("Stopping the orchestrator and everything it started");
  for (const stop of [...stops].reverse()) await stop().catch((err: unknown) => console.error(err));
  console.error(`Stopped in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
  process.exit(code);
}

/** The development setup's made-up prices (never read in production). */
const examplePriceListFile = fileURLToPath(new URL("../dev/development-price-list.yaml", import.meta.url));

async function main(): Promise<void> {
  const config = parseConfig();
  const progress = (line: string) => console.error(line);
  // Read before anything starts, so that a bad trusted-issuers file stops the start at once.
  const permitIntake = createPermitIntake({
    trustedIssuersFile: config.TRUSTED_ISSUERS_FILE,
    production: config.NODE_ENV === "production",
    offeredTools: config.environments.tools,
  });
  // Likewise: a malformed webhook destination stops the start, naming it.
  const webhooks = readWebhookDestinations(config.NOTIFICATION_WEBHOOKS_FILE, config.NODE_ENV === "production");
  // Likewise: a malformed price list stops the start, naming the line and the field.
  // Outside production the example's prices, so that the demo shows costs; in production only the installation's own.
  const priceList = readPriceList(
    config.PRICE_LIST_FILE ?? (config.NODE_ENV === "production" ? undefined : examplePriceListFile),
  );

  const log = pino({ level: config.LOG_LEVEL });
  const deliveries = deliveryServices(config, log);
  // One key for the capabilities the reconciler writes into loader Jobs and the staging endpoint checks.
  const staging = stagingCapabilitiesFrom(config);
  // Closed after everything that stages or serves from it has stopped (stops run in reverse).
  stops.push(() => deliveries.staging.close());
  const database = await openDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, migrationUrl: config.DATABASE_MIGRATION_URL }
      : { pgliteDir: pgliteDirIn(config.DATA_DIR) },
  );
  if (config.DATABASE_URL && !config.DATABASE_MIGRATION_URL)
    log.warn(
      "Ran the migrations as DATABASE_URL's role: it owns the audit table and could rewrite it (the signed checkpoints would show it). Set DATABASE_MIGRATION_URL to keep the orchestrator's role from changing the audit log",
    );
  stops.push(() => database.close());
  // Sends what actions wrote into the notification outbox, after they commit; stopped before the database closes.
  const mail = config.SMTP_URL
    ? smtpSender({ url: config.SMTP_URL, from: config.MAIL_FROM!, credentialsFile: config.SMTP_CREDENTIALS_FILE })
    : undefined;
  const notificationSender = new NotificationSender({
    db: database.db,
    log,
    publicUrl: config.publicUrl,
    mail,
    webhooks,
  });
  notificationSender.start();
  stops.push(async () => {
    await notificationSender.stop();
    mail?.close();
  });
  if (config.NODE_ENV !== "production") {
    const demo = await importDemoPermit(database.db, {
      trustedIssuers: permitIntake.trustedIssuers,
      now: permitIntake.now(),
    }).then(
      (r) => `${r.outcome} (permit ${r.permitId}, sequence ${r.sequence}, namespace ${r.namespace})`,
      (err: unknown) => `refused: ${err instanceof SpeError ? `${err.code}: ${err.message}` : String(err)}`,
    );
    progress(`Demo permit of the development HDAB: ${demo}`);
    const delivered = await deliverDemoExtract(database.db, deliveries).catch(
      (err: unknown) => `refused: ${err instanceof SpeError ? `${err.code}: ${err.message}` : String(err)}`,
    );
    progress(`Demo dataset patientregistret@2026-09: ${delivered}`);
  }

  const cluster = await connectCluster(config.KUBECONFIG, config.DATA_DIR, progress);
  stops.push(() => cluster.stop());
  const kube = connectKube(cluster.kubeconfig);
  const kubeVersion = await kube.version();
  // The data loaders' listener, apart from the people's (http/staging-server.ts); before the local node,
  // whose relay forwards to it. Its refusals and the people's listener's share one budget.
  const stagingServer = await buildStagingServer({
    config,
    db: database.db,
    store: deliveries.staging,
    capabilities: staging,
    loaderIdentity: tokenReviewLoaderIdentity(kube.config),
  });
  stops.push(() => stagingServer.server.close());
  await stagingServer.server.listen({ host: config.STAGING_HOST, port: config.STAGING_PORT }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new SpeError(
        "PORT_IN_USE",
        `STAGING_PORT ${config.STAGING_PORT} is taken by another program. Stop it or set STAGING_PORT to a free port.`,
      );
    throw err;
  });
  const stagingAddress = {
    host: config.STAGING_HOST,
    port: (stagingServer.server.server.address() as AddressInfo).port,
  };
  // Environments reconcile once the cluster can run their pods: at once, or when the local node is up
  // (its relay is the loaders' staging URL, so the controller must not build loader Jobs before it).
  const cookieSecret = readSecretKey(
    keyFileOrDefault(config.COOKIE_SECRET_FILE, config.DATA_DIR, "cookie"),
    "cookie secret",
  ).toString("hex");
  // The workspaces' package mirror, on a listener of its own (mirror/package-mirror.ts).
  const mirror = await buildPackageMirror({
    config,
    db: database.db,
    allowlist: databaseAllowlist(database.db),
    upstream: pypiUpstream(config.MIRROR_UPSTREAM),
    clients: databaseMirrorClients(
      database.db,
      workspaceIdentities(cookieSecret),
      config.environments.packageMirror.defaultSoftware,
    ),
  });
  stops.push(() => mirror.close());
  await mirror.listen({ host: config.MIRROR_HOST, port: config.MIRROR_PORT }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new SpeError(
        "PORT_IN_USE",
        `MIRROR_PORT ${config.MIRROR_PORT} is taken by another program. Stop it or set MIRROR_PORT to a free port.`,
      );
    throw err;
  });
  const mirrorAddress = { host: config.MIRROR_HOST, port: (mirror.server.address() as AddressInfo).port };
  // The same key on every replica names the same workspace hosts (the gateway's and the workspaces' own).
  const hosts = workspaceHosts({
    publicUrl: config.publicUrl,
    domain: config.workspaceDomain,
    key: workspaceHostKey(cookieSecret),
  });
  const environmentConfig: EnvironmentConfig = {
    ...config.environments,
    stagingCapabilities: staging,
    workspaceHosts: hosts,
    // The gateway derives the same from the same secret (http/app.ts).
    workspaceIdentities: workspaceIdentities(cookieSecret),
  };
  let controller: EnvironmentController | undefined;
  const metrics = config.METRICS_PORT === undefined ? undefined : createMetrics(database.db);
  const startEnvironments = (stagingUrl = environmentConfig.stagingUrl) => {
    const controllerConfig = { ...environmentConfig, stagingUrl };
    controller = new EnvironmentController({
      db: database.db,
      kubeConfig: kube.config,
      config: controllerConfig,
      log,
      staging: deliveries.staging,
      onReconciled: metrics?.observeReconcile,
    });
    metrics?.watchReconciler(controller);
    controller.start();
  };
  const localNode = cluster.node.available
    ? backgroundNode(cluster.node, stagingAddress, progress, kube.config)
    : undefined;

  let devIdp: DevIdentityProvider | undefined;
  if (!config.OIDC_ISSUER) {
    devIdp = await startDevIdentityProvider({
      host: config.HOST,
      port: config.DEV_IDP_PORT,
      appUrl: config.publicUrl,
      machineAudience: config.machineAudience,
    });
    stops.push(() => devIdp!.stop());
  }
  const relyingParty = await createRelyingParty({
    issuer: config.OIDC_ISSUER ?? devIdp!.issuer,
    clientId: config.OIDC_CLIENT_ID ?? devIdp!.clientId,
    clientSecret: config.OIDC_CLIENT_SECRET ?? devIdp!.clientSecret,
    redirectUri: `${config.publicUrl}/auth/callback`,
    postLogoutRedirectUri: `${config.publicUrl}/`,
    acrValues: config.OIDC_REQUIRED_ACR,
  });

  const sessions = new SessionStore(database.db, {
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: config.SESSION_MAX_HOURS * 3_600_000,
  });
  // The gateway and the airlock reach the pod the orchestrator made itself, by address (on the local node,
  // once it is up), unless an installation names where they go.
  const originOf = (service: "workspace" | "airlock", named: string | undefined) =>
    localNode?.upstream(service) ?? (named ? undefined : ownedPodOrigin(kube.config, service));
  const airlock = await createAirlock(config, originOf("airlock", config.AIRLOCK_AGENT_URL));
  const machineTokens = machineTokenVerifier({
    issuer: relyingParty.issuer,
    jwksUri: relyingParty.jwksUri!,
    audience: config.machineAudience,
  });
  // Signs the audit chain's head at an interval and at stop (before the database closes: stops run in reverse).
  const auditCheckpoints = checkpointSourceOf(config, airlock.signingKeys);
  const checkpointer = await startAuditCheckpoints({
    db: database.db,
    key: airlock.signer,
    trusted: auditCheckpoints.keys,
    store: auditCheckpoints.store,
    intervalMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
    log,
  });
  stops.push(() => checkpointer.stop());
  // The record of activities' head too, at the same interval and with the same key: truncating or rewriting it shows.
  const activityCheckpoints = activityCheckpointSourceOf(config, airlock.signingKeys);
  const activityCheckpointer = await startActivityCheckpoints({
    db: database.db,
    key: airlock.signer,
    trusted: activityCheckpoints.keys,
    store: activityCheckpoints.store,
    intervalMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
    log,
  });
  stops.push(() => activityCheckpointer.stop());
  const environments = { enqueue: (namespace: string) => controller?.enqueue(namespace) };
  // Warns at 80 % of a permit's budget and acts at 100 % (BUDGET_ACTION); without prices there is no cost.
  if (priceList) {
    const budgets = startBudgetWatch({
      db: database.db,
      config: environmentConfig,
      prices: priceList,
      action: config.BUDGET_ACTION,
      log,
      onPaused: (namespace) => environments.enqueue(namespace),
    });
    stops.push(() => budgets.stop());
  }
  const services = {
    database,
    kube,
    permitIntake,
    environments,
    airlock,
    deliveries,
    machineTokens,
    environmentConfig,
    auditCheckpoints,
    auditCheckpointer: checkpointer,
    activityCheckpoints,
    timeZone: config.TIME_ZONE,
    issuer: { name: config.INSTALLATION_NAME, url: config.publicUrl },
    priceList,
  };
  // The gateway and the idle culler reach each workspace the same way, and the culler sees what the gateway
  // has open to it.
  const workspaceUpstream =
    originOf("workspace", config.WORKSPACE_UPSTREAM) ??
    templateUpstream(config.WORKSPACE_UPSTREAM ?? DEFAULT_WORKSPACE_UPSTREAM);
  const workspaceConnections = new WorkspaceConnections();
  const app = await buildApp({
    config,
    services,
    sessions,
    relyingParty,
    cookieSecret,
    workspaceHosts: hosts,
    uiDir: config.UI_DIR,
    strangerRefusals: stagingServer.strangerRefusals,
    workspaceUpstream,
    workspaceConnections,
    metrics,
  });
  stops.push(() => app.close());
  const culler = startIdleCuller({
    db: database.db,
    control: workspacesOf(services),
    connections: workspaceConnections,
    labActivity: labActivityOf(workspaceUpstream, workspaceIdentities(cookieSecret)),
    settings: environmentConfig.workspaceIdle,
    log,
  });
  stops.push(() => culler.stop());
  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new SpeError(
        "PORT_IN_USE",
        `Port ${config.PORT} is taken by another program. Stop it or set PORT to a free port.`,
      );
    throw err;
  }

  let metricsLine = "";
  if (metrics) {
    const served = await serveMetrics(metrics.registry, { host: config.METRICS_HOST, port: config.METRICS_PORT! }, () =>
      readHealth(kube, true),
    ).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE")
        throw new SpeError(
          "PORT_IN_USE",
          `METRICS_PORT ${config.METRICS_PORT} is taken by another program. Stop it or set METRICS_PORT to a free port.`,
        );
      throw err;
    });
    stops.push(() => served.close());
    metricsLine = `  Metrics (Prometheus): ${served.url}\n`;
  }

  const accounts = devIdp
    ? `\nDemo accounts (development identity provider at ${devIdp.issuer}; password "${DEMO_PASSWORD}"):\n` +
      DEMO_ACCOUNTS.map((a) => `  ${a.subject.padEnd(8)} ${a.name.padEnd(20)} ${a.groups.join(", ")}`).join("\n") +
      `\n  One-time code for a two-factor sign-in: ${DEMO_ONE_TIME_CODE}` +
      `\n  Data holder (client credentials for spe delivery upload): ${DEMO_DATA_HOLDER.clientId} / ${DEMO_DATA_HOLDER.clientSecret}` +
      `\n  HDAB (client credentials for GET /api/v1/permits/{id}): ${DEMO_HDAB_CLIENT.clientId} / ${DEMO_HDAB_CLIENT.clientSecret}\n`
    : "";
  console.log(
    `\nSPE orchestrator is running at ${config.publicUrl}\n` +
      `  Integrator API and developer portal: ${config.publicUrl}/developers\n` +
      `  Data loaders' staging listener (not for people): http://${stagingAddress.host}:${stagingAddress.port}/staging\n` +
      `  Workspaces' package mirror (not for people): http://${mirrorAddress.host}:${mirrorAddress.port}/simple/\n` +
      `  Kubernetes ${kubeVersion} at ${kube.server} (${cluster.origin})${cluster.adminKubeconfig ? `; admin kubeconfig ${cluster.adminKubeconfig}` : ""}\n` +
      `  Database: ${database.kind} (${database.location})\n` +
      metricsLine +
      accounts,
  );

  if (!cluster.node.available) {
    progress(
      `Not using the local node: ${cluster.node.reason}. The cluster is a control plane only: environments are provisioned, their pods do not run.`,
    );
    startEnvironments();
  } else localNode?.start(environmentConfig, startEnvironments);
  // Stopped first (stops run in reverse): the reconciler, then the node, then the control plane.
  stops.push(async () => {
    await controller?.stop();
    await localNode?.stop();
  });
}

// npm passes a terminal's Ctrl-C on as well, so one keypress can arrive twice within moments: only a signal
// that comes a second or more after the stop began means "at once" (the children the control plane and the
// node started end with this process, by their parent-death signal).
let firstSignalAt: number | undefined;
function onSignal(): void {
  const now = Date.now();
  if (firstSignalAt !== undefined && now - firstSignalAt > 1000) {
    console.error("Stopping at once, without waiting for the local node and the control plane");
    process.exit(130);
  }
  firstSignalAt ??= now;
  void shutdown(0);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
main().catch(async (err: unknown) => {
  // Our errors (SpeError, LocalClusterError) carry a stable code and a message meant for people.
  const coded = err instanceof Error && typeof (err as { code?: unknown }).code === "string";
  console.error(coded ? `${(err as SpeError).code}: ${(err as Error).message}` : err);
  await shutdown(1);
});
