import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { Config } from "../config";
import type { RefusalBudget, RefusalLimits } from "../staging/refusal-budget";
import { registerStagingRoutes, type StagingRoutesOptions } from "./staging-routes";
import { strangerRefusalBudget } from "./stranger-refusals";

export interface StagingServerOptions extends Omit<StagingRoutesOptions, "refusals" | "refusalLimits"> {
  config: Pick<Config, "LOG_LEVEL">;
  /** How many strangers' refusals, on this listener and the people's together, are audited one by one. */
  strangerRefusalLimits?: RefusalLimits;
}

export interface StagingServer {
  server: FastifyInstance;
  /** The budget all strangers' refusals share: give it to the people's listener too (buildApp). */
  strangerRefusals: RefusalBudget;
}

/**
 * The data loaders' listener (STAGING_PORT): `GET /staging/…` and nothing else. Apart from the people's port
 * so that an ingress, a gateway route or a port-forward made for people never reaches it, and the loaders'
 * NetworkPolicy opens this port alone; the people's port answers 404 for `/staging`. Its refusals count
 * against the one budget all strangers share, so two listeners do not double what they may write.
 */
export async function buildStagingServer(options: StagingServerOptions): Promise<StagingServer> {
  const { config, strangerRefusalLimits, ...routes } = options;
  const server = Fastify({
    logger: { level: config.LOG_LEVEL },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  // Summarised once a minute and at close: the people's listener must close before this one.
  const strangerRefusals = await strangerRefusalBudget(server, routes.db, strangerRefusalLimits);
  registerStagingRoutes(server, { ...routes, refusals: strangerRefusals });
  // Words without the framework's own (which name the method and path back): nothing else is served here.
  server.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: "NOT_FOUND", message: "This listener serves only GET /staging/… to data loaders." }),
  );
  await server.ready();
  return { server, strangerRefusals };
}
