import type { FastifyInstance } from "fastify";
import { WELL_KNOWN_SIGNING_KEYS, type SigningKeys } from "../keys/signing-keys";

/** The path earlier versions published the release key at: the same set, for verifiers that still read it. */
const DEPRECATED_RELEASE_KEYS = "/.well-known/spe-release-keys.json";

/**
 * Publishes the public keys that verify what the orchestrator signs (release records, audit checkpoints,
 * compliance evidence reports), as a JWK Set: the current key and the retired ones, each with its kid,
 * so that a record signed before a rotation still verifies. Public by nature: no credentials asked.
 */
export function registerSigningKeyRoutes(app: FastifyInstance, keys: SigningKeys): void {
  for (const path of [WELL_KNOWN_SIGNING_KEYS, DEPRECATED_RELEASE_KEYS])
    app.get(path, async (_req, reply) =>
      reply
        .type("application/jwk-set+json")
        // Short enough that a rotation reaches verifiers within minutes.
        .header("cache-control", "public, max-age=300")
        .send(JSON.stringify({ keys: keys.published })),
    );
}
