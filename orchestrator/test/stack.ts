import { randomBytes } from "node:crypto";
import { readPriceList } from "../src/costs/price-list";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { freePort } from "@spe/infra/local-cluster";
import { inject } from "vitest";
import { startDevIdentityProvider } from "../src/auth/dev-provider";
import { machineTokenVerifier } from "../src/auth/machine-tokens";
import { createRelyingParty } from "../src/auth/oidc";
import { SessionStore } from "../src/auth/sessions";
import { parseConfig, type Config } from "../src/config";
import { openDatabase } from "../src/db/database";
import { deliveryServices } from "../src/deliveries/delivery-services";
import { stagingCapabilitiesFrom } from "../src/staging/staging-key";
import { EnvironmentController } from "../src/environments/controller";
import type { Services } from "../src/api/context";
import { startAuditCheckpoints } from "../src/audit/audit-checkpointer";
import { activityCheckpointSourceOf, checkpointSourceOf } from "../src/audit/checkpoint-settings";
import { startActivityCheckpoints } from "../src/activity/activity-checkpointer";
import { buildApp } from "../src/http/app";
import { buildStagingServer } from "../src/http/staging-server";
import { tokenReviewLoaderIdentity } from "../src/staging/loader-identity";
import { workspaceHostKey, workspaceHosts, type WorkspaceHosts } from "../src/gateway/workspace-hosts";
import { workspaceIdentities } from "../src/gateway/workspace-identities";
import { WorkspaceConnections } from "../src/gateway/workspace-connections";
import type { RefusalLimits } from "../src/staging/refusal-budget";
import { createAirlock } from "../src/outputs/airlock";
import { connectKube } from "../src/kube/client";
import { createPermitIntake } from "../src/permits/permit-intake";
import { createMetrics } from "../src/metrics/metrics";
import { serveMetrics } from "../src/metrics/metrics-server";
import { readHealth } from "../src/http/health";
import { CookieClient } from "./cookie-client";

export interface Stack {
  appUrl: string;
  /** The staging listener's origin (STAGING_PORT): the data loaders' /staging, and nothing else. */
  stagingOrigin: string;
  idpUrl: string;
  config: Config;
  /** Names the workspace hosts of this stack (its key). */
  workspaceHosts: WorkspaceHosts;
  /** The services the API runs on, for tests that look behind it (the database, the airlock). */
  services: Services;
  /** What the gateway has open to each person's workspace, as the idle culler reads it. */
  connections: WorkspaceConnections;
  /** GET /metrics, when METRICS_PORT was given. */
  metricsUrl?: string;
  /** Opens the sign-in page and posts the provider's form; the redirects after it are the caller's. */
  /** `start` is where the browser began: the sign-in route, or a page that sends it there. */
  submitLoginForm(
    client: CookieClient,
    subject: string,
    password: string,
    fields?: Record<string, string>,
    start?: string,
  ): Promise<{ res: Response; url: string }>;
  /** A fresh browser-like client that signs in as a demo account. */
  signIn(subject: string, password?: string): Promise<CookieClient>;
  stop(): Promise<void>;
}

/**
 * The orchestrator as `npm start` wires it (real HTTP, the development OpenID Provider, PGlite, the shared
 * local cluster with the orchestrator's own identity), on free ports.
 */
export async function startStack(
  env: NodeJS.ProcessEnv = {},
  options: { uiDir?: string; strangerRefusalLimits?: RefusalLimits } = {},
): Promise<Stack> {
  const [port, idpPort] = [await freePort(), await freePort()];
  // A data folder of its own: release keys and quarantined files of one test never meet another's.
  const config = parseConfig({
    PORT: String(port),
    DEV_IDP_PORT: String(idpPort),
    STAGING_PORT: "0",
    LOG_LEVEL: "silent",
    DATA_DIR: mkdtempSync(join(tmpdir(), "spe-stack-")),
    ...env,
  });
  const database = await openDatabase({ memory: true });
  const kube = connectKube(inject("orchestratorKubeconfig"));
  const permitIntake = createPermitIntake({
    trustedIssuersFile: config.TRUSTED_ISSUERS_FILE,
    production: config.NODE_ENV === "production",
    offeredTools: config.environments.tools,
  });
  const idp = await startDevIdentityProvider({
    host: "127.0.0.1",
    port: idpPort,
    appUrl: config.publicUrl,
    machineAudience: config.machineAudience,
  });
  const relyingParty = await createRelyingParty({
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    redirectUri: `${config.publicUrl}/auth/callback`,
    postLogoutRedirectUri: `${config.publicUrl}/`,
    acrValues: config.OIDC_REQUIRED_ACR,
  });
  const sessions = new SessionStore(database.db, { idleMs: 60_000, absoluteMs: 3_600_000 });
  const staging = stagingCapabilitiesFrom(config);
  const cookieSecret = randomBytes(32).toString("hex");
  const hosts = workspaceHosts({
    publicUrl: config.publicUrl,
    domain: config.workspaceDomain,
    key: workspaceHostKey(cookieSecret),
  });
  // A real reconciler, on a lease of its own so stacks in parallel test files do not wait for each other.
  const deliveries = deliveryServices(config, pino({ level: "silent" }));
  const metrics = config.METRICS_PORT === undefined ? undefined : createMetrics(database.db);
  // One configuration for the reconciler and the API, as main.ts has it: both name the same persons' workspaces.
  const environmentConfig = {
    ...config.environments,
    stagingCapabilities: staging,
    workspaceHosts: hosts,
    workspaceIdentities: workspaceIdentities(cookieSecret),
  };
  const controller = new EnvironmentController({
    db: database.db,
    kubeConfig: kube.config,
    config: environmentConfig,
    log: pino({ level: "silent" }),
    leaseName: `stack-${port}`,
    staging: deliveries.staging,
    onReconciled: metrics?.observeReconcile,
  });
  metrics?.watchReconciler(controller);
  controller.start();
  const airlock = await createAirlock(config);
  const machineTokens = machineTokenVerifier({
    issuer: relyingParty.issuer,
    jwksUri: relyingParty.jwksUri!,
    audience: config.machineAudience,
  });
  const auditCheckpoints = checkpointSourceOf(config, airlock.signingKeys);
  // Signs only when asked (an export) and at stop: an hour's interval never comes in a test.
  const auditCheckpointer = await startAuditCheckpoints({
    db: database.db,
    key: airlock.signer,
    trusted: auditCheckpoints.keys,
    store: auditCheckpoints.store,
    intervalMs: 3_600_000,
    log: pino({ level: "silent" }),
  });
  const activityCheckpoints = activityCheckpointSourceOf(config, airlock.signingKeys);
  const activityCheckpointer = await startActivityCheckpoints({
    db: database.db,
    key: airlock.signer,
    trusted: activityCheckpoints.keys,
    store: activityCheckpoints.store,
    intervalMs: 3_600_000,
    log: pino({ level: "silent" }),
  });
  const services: Services = {
    database,
    kube,
    permitIntake,
    environments: controller,
    airlock,
    deliveries,
    machineTokens,
    environmentConfig,
    auditCheckpoints,
    auditCheckpointer,
    activityCheckpoints,
    timeZone: config.TIME_ZONE,
    issuer: { name: config.INSTALLATION_NAME, url: config.publicUrl },
    // As main.ts reads it, but only when a test names a file: no prices, no costs shown.
    priceList: readPriceList(config.PRICE_LIST_FILE),
  };
  const stagingServer = await buildStagingServer({
    config,
    db: database.db,
    store: deliveries.staging,
    capabilities: staging,
    loaderIdentity: tokenReviewLoaderIdentity(kube.config),
    strangerRefusalLimits: options.strangerRefusalLimits,
  });
  await stagingServer.server.listen({ host: "127.0.0.1", port: config.STAGING_PORT });
  const stagingOrigin = `http://127.0.0.1:${(stagingServer.server.server.address() as AddressInfo).port}`;
  const connections = new WorkspaceConnections();
  const app = await buildApp({
    config,
    services,
    sessions,
    relyingParty,
    cookieSecret,
    workspaceHosts: hosts,
    uiDir: options.uiDir,
    strangerRefusals: stagingServer.strangerRefusals,
    workspaceConnections: connections,
    metrics,
  });
  // config.PORT: the given PORT when a test names one (a PUBLIC_URL under a name of its own needs it).
  await app.listen({ host: "127.0.0.1", port: config.PORT });
  const served =
    metrics &&
    (await serveMetrics(metrics.registry, { host: config.METRICS_HOST, port: config.METRICS_PORT! }, () =>
      readHealth(kube, true),
    ));
  const appUrl = config.publicUrl;

  // Opens the sign-in page and posts the provider's form; the redirects after it are the caller's.
  const submitLoginForm = async (
    client: CookieClient,
    subject: string,
    password: string,
    fields: Record<string, string> = {},
    start = `${appUrl}/auth/login`,
  ) => {
    const { res, url } = await client.follow(start, { headers: { accept: "text/html" } });
    const action = /action="([^"]+)"/.exec(await res.text())?.[1];
    if (!action) throw new Error(`no sign-in form at ${url} (${res.status})`);
    const formUrl = new URL(action, url).href;
    const answer = await client.request(formUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: subject, password, ...fields }).toString(),
    });
    return { res: answer, url: formUrl };
  };

  return {
    appUrl,
    stagingOrigin,
    idpUrl: idp.issuer,
    config,
    workspaceHosts: hosts,
    services,
    connections,
    metricsUrl: served?.url,
    submitLoginForm,
    async signIn(subject, password = "demo") {
      const client = new CookieClient();
      const { res, url } = await submitLoginForm(client, subject, password);
      await client.followFrom(res, url, (next) => next === `${appUrl}/`);
      return client;
    },
    async stop() {
      await controller.stop();
      await app.close();
      await stagingServer.server.close();
      await served?.close();
      await idp.stop();
      await auditCheckpointer.stop();
      await activityCheckpointer.stop();
      await database.close();
      await deliveries.staging.close();
    },
  };
}
