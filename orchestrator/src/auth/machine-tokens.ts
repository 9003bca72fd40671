import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { SpeError } from "../errors";

/** The scope a data holder's access token must carry to deliver extracts. */
export const DELIVERY_SCOPE = "deliveries";

/** The scope an HDAB's access token must carry to read its permits' environment status. */
export const PERMITS_SCOPE = "permits";

/** A system (a data holder) that presented a valid access token. */
export interface MachineClient {
  clientId: string;
  scopes: string[];
}

export interface MachineTokenSettings {
  issuer: string;
  /** The provider's JWKS URL (from its discovery document). */
  jwksUri: string;
  /** What the token must be for: our API's resource indicator. */
  audience: string;
}

export type MachineTokenVerifier = (authorization: string | undefined, requiredScope: string) => Promise<MachineClient>;

/**
 * Verifies OAuth client-credentials access tokens (JWT profile, RFC 9068) with the provider's published
 * keys: signature, issuer, audience, expiry, type, and the scope the call needs. Opaque tokens and tokens
 * for other audiences are refused, so a token meant for another service cannot be replayed here.
 */
export function machineTokenVerifier(
  settings: MachineTokenSettings,
  keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.jwksUri)),
): MachineTokenVerifier {
  return async (authorization, requiredScope) => {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? "")?.[1];
    if (!token)
      throw new SpeError(
        "AUTH_UNAUTHENTICATED",
        "Send an access token: Authorization: Bearer <token from the client-credentials grant>.",
      );
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        typ: "at+jwt",
        algorithms: ["RS256", "PS256", "ES256", "EdDSA"],
        clockTolerance: 30,
      }));
    } catch (err) {
      const why =
        err instanceof errors.JWTExpired
          ? "it has expired; get a new one"
          : err instanceof errors.JWTClaimValidationFailed
            ? `its ${err.claim} claim is not what this service accepts`
            : "it is not a valid access token from the trusted provider";
      throw new SpeError("AUTH_UNAUTHENTICATED", `The access token was refused: ${why}.`, { cause: err });
    }
    const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
    const clientId = typeof payload.client_id === "string" ? payload.client_id : payload.sub;
    if (!clientId) throw new SpeError("AUTH_UNAUTHENTICATED", "The access token names no client.");
    if (!scopes.includes(requiredScope))
      throw new SpeError("AUTH_FORBIDDEN", `The access token lacks the scope "${requiredScope}" this call needs.`);
    return { clientId, scopes };
  };
}
