// Composition root: parse config, build the services, start serving, stop everything on SIGINT/SIGTERM.
import { join } from "node:path";
import { pino } from "pino";
import { fileURLToPath } from "node:url";
import { DEMO_ACCOUNTS, DEMO_DATA_HOLDER, DEMO_HDAB_CLIENT, DEMO_ONE_TIME_CODE, DEMO_PASSWORD } from "./auth/demo-accounts";
import { startDevIdentityProvider, type DevIdentityProvider } from "./auth/dev-provider";
import { createRelyingParty } from "./auth/oidc";
import { SessionStore } from "./auth/sessions";
import { parseConfig } from "./config";
import { openDatabase, pgliteDirIn } from "./db/database";
import { EnvironmentController } from "./environments/controller";
import { keyFileOrDefault, readSecretKey } from "./keys/secret-key-file";
import { SpeError } from "./errors";
import { buildApp } from "./http/app";
import { connectKube } from "./kube/client";
import { connectCluster } from "./kube/local-or-configured";
import { importDemoPermit } from "./permits/demo-permit";
import { createPermitIntake } from "./permits/permit-intake";
import { createAirlock } from "./outputs/airlock";
import { machineTokenVerifier } from "./auth/machine-tokens";
import { deliverDemoExtract } from "./deliveries/demo-delivery";
import { deliveryServices } from "./deliveries/delivery-services";
import { stagingCapabilitiesFrom } from "./deliveries/data-loader/staging-key";

const uiDir = fileURLToPath(new URL("../../workspace-ui/dist", import.meta.url));
const stops: Array<() => Promise<void>> = [];

async function shutdown(code: number): Promise<never> {
  for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(err));
  process.exit(code);
}

async function main(): Promise<void> {
  const config = parseConfig();
  const progress = (line: string) => console.error(line);
  // Read before anything starts, so that a bad trusted-issuers file stops the start at once.
  const permitIntake = createPermitIntake({ trustedIssuersFile: config.TRUSTED_ISSUERS_FILE, production: config.NODE_ENV === "production" });

  const deliveries = deliveryServices(config);
  // One key for the capabilities the reconciler writes into loader Jobs and the staging endpoint checks.
  const staging = stagingCapabilitiesFrom(config);
  const database = await openDatabase(config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: pgliteDirIn(config.DATA_DIR) });
  stops.push(() => database.close());
  if (config.NODE_ENV !== "production") {
    const demo = await importDemoPermit(database.db, { trustedIssuers: permitIntake.trustedIssuers, now: permitIntake.now() }).then(
      (r) => `${r.outcome} (permit ${r.permitId}, sequence ${r.sequence}, namespace ${r.namespace})`,
      (err: unknown) => `refused: ${err instanceof SpeError ? `${err.code}: ${err.message}` : String(err)}`,
    );
    progress(`Demo permit of the development HDAB: ${demo}`);
    const delivered = await deliverDemoExtract(database.db, deliveries).catch((err: unknown) => `refused: ${err instanceof SpeError ? `${err.code}: ${err.message}` : String(err)}`);
    progress(`Demo dataset patientregistret@2026-09: ${delivered}`);
  }

  const cluster = await connectCluster(config.KUBECONFIG, config.DATA_DIR, progress);
  stops.push(() => cluster.stop());
  const kube = connectKube(cluster.kubeconfig);
  const kubeVersion = await kube.version();
  const log = pino({ level: config.LOG_LEVEL });
  const controller = new EnvironmentController({ db: database.db, kubeConfig: kube.config, config: { ...config.environments, stagingCapabilities: staging }, log, stagingDir: join(config.DATA_DIR, "staging") });
  controller.start();
  stops.push(() => controller.stop());

  let devIdp: DevIdentityProvider | undefined;
  if (!config.OIDC_ISSUER) {
    devIdp = await startDevIdentityProvider({ host: config.HOST, port: config.DEV_IDP_PORT, appUrl: config.publicUrl, machineAudience: config.machineAudience });
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

  const sessions = new SessionStore(database.db, { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_MAX_HOURS * 3_600_000 });
  const airlock = await createAirlock(config);
  const machineTokens = machineTokenVerifier({ issuer: relyingParty.issuer, jwksUri: relyingParty.jwksUri!, audience: config.machineAudience });
  const app = await buildApp({ config, services: { database, kube, permitIntake, environments: controller, airlock, deliveries, machineTokens, environmentConfig: config.environments }, sessions, relyingParty, cookieSecret: readSecretKey(keyFileOrDefault(config.COOKIE_SECRET_FILE, config.DATA_DIR, "cookie"), "cookie secret").toString("hex"), uiDir, staging });
  stops.push(() => app.close());
  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new SpeError("PORT_IN_USE", `Port ${config.PORT} is taken by another program. Stop it or set PORT to a free port.`);
    throw err;
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
      `  Kubernetes ${kubeVersion} at ${kube.server} (${cluster.origin})${cluster.adminKubeconfig ? `; admin kubeconfig ${cluster.adminKubeconfig}` : ""}\n` +
      `  Database: ${database.kind} (${database.location})\n` +
      accounts,
  );
}

process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));
main().catch(async (err: unknown) => {
  // Our errors (SpeError, LocalClusterError) carry a stable code and a message meant for people.
  const coded = err instanceof Error && typeof (err as { code?: unknown }).code === "string";
  console.error(coded ? `${(err as SpeError).code}: ${(err as Error).message}` : err);
  await shutdown(1);
});
