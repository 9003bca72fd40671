import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { freePort } from "@spe/infra/local-cluster";
import { checkpointSourceOf } from "../../src/audit/checkpoint-settings";
import { machineTokenVerifier } from "../../src/auth/machine-tokens";
import { createRelyingParty } from "../../src/auth/oidc";
import { SessionStore } from "../../src/auth/sessions";
import { parseConfig } from "../../src/config";
import type { Database } from "../../src/db/database";
import { deliveryServices } from "../../src/deliveries/delivery-services";
import { workspaceHostKey, workspaceHosts } from "../../src/gateway/workspace-hosts";
import { buildApp } from "../../src/http/app";
import { connectKube } from "../../src/kube/client";
import { createAirlock } from "../../src/outputs/airlock";
import { createPermitIntake } from "../../src/permits/permit-intake";
import { devIdentityProviderProcess } from "./dev-idp";

export interface BenchServerOptions {
  /** Names the data folder, so a bench's leftovers say whose they are. */
  name: string;
  database: Database;
  kubeconfig: string;
  /** The built UI to serve, for benches that open pages. */
  uiDir?: string;
  /** Runs before the server listens: where a bench adds its hooks. */
  beforeListen?: (app: FastifyInstance) => void;
}

/**
 * The orchestrator's HTTP server as `main.ts` assembles it, on loopback, with a development OpenID Provider
 * of its own and nothing reconciling environments (benches write the rows they need): what the API and
 * page benches measure.
 */
export async function startBenchServer(options: BenchServerOptions) {
  const { database } = options;
  const [port, idpPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), `spe-bench-${options.name}-`));
  const config = parseConfig({
    PORT: String(port),
    DEV_IDP_PORT: String(idpPort),
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
  });
  const idp = await devIdentityProviderProcess(idpPort, config.publicUrl);
  const relyingParty = await createRelyingParty({
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    redirectUri: `${config.publicUrl}/auth/callback`,
    postLogoutRedirectUri: `${config.publicUrl}/`,
  });
  const sessions = new SessionStore(database.db, { idleMs: 3_600_000, absoluteMs: 3_600_000 });
  const airlock = await createAirlock(config);
  const services = {
    database,
    kube: connectKube(options.kubeconfig),
    permitIntake: createPermitIntake({ production: false }),
    environments: { enqueue: () => {} },
    airlock,
    deliveries: deliveryServices(config, pino({ level: "silent" })),
    machineTokens: machineTokenVerifier({
      issuer: relyingParty.issuer,
      jwksUri: relyingParty.jwksUri!,
      audience: config.machineAudience,
    }),
    environmentConfig: config.environments,
    auditCheckpoints: checkpointSourceOf(config, airlock.signingKeys),
  };
  const cookieSecret = randomBytes(32).toString("hex");
  const hosts = workspaceHosts({
    publicUrl: config.publicUrl,
    domain: config.workspaceDomain,
    key: workspaceHostKey(cookieSecret),
  });
  const app = await buildApp({
    config,
    services,
    sessions,
    relyingParty,
    cookieSecret,
    workspaceHosts: hosts,
    ...(options.uiDir ? { uiDir: options.uiDir } : {}),
  });
  options.beforeListen?.(app);
  await app.listen({ host: "127.0.0.1", port });
  return {
    app,
    config,
    sessions,
    /** Stops the server and its identity provider and removes the data folder; the database stays open. */
    async stop() {
      await app.close();
      await services.deliveries.staging.close();
      await idp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
