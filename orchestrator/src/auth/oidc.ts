import * as client from "openid-client";
import { SpeError } from "../errors";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Asked of the provider (`acr_values`) when sign-ins must reach one of these assurance levels. */
  acrValues?: readonly string[];
}

/** What the browser carries between /auth/login and /auth/callback, in a signed HttpOnly cookie. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  verifier: string;
}

export interface OidcRelyingParty {
  issuer: string;
  /** The provider's published signing keys, for verifying machine clients' access tokens. */
  jwksUri: string | undefined;
  start(): Promise<{ url: string; transaction: LoginTransaction }>;
  finish(
    callbackUrl: URL,
    transaction: LoginTransaction,
  ): Promise<{ claims: Record<string, unknown>; idToken: string | undefined }>;
  logoutUrl(idToken: string | null): string;
}

const SCOPE = "openid profile email groups";

/** The orchestrator as an OIDC relying party: authorization code + PKCE, state and nonce. */
export async function createRelyingParty(settings: OidcSettings): Promise<OidcRelyingParty> {
  const issuerUrl = new URL(settings.issuer);
  const insecure = issuerUrl.protocol === "http:";
  let config: client.Configuration;
  try {
    config = await client.discovery(
      issuerUrl,
      settings.clientId,
      settings.clientSecret,
      undefined,
      insecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );
  } catch (err) {
    throw new SpeError(
      "AUTH_LOGIN_FAILED",
      `OpenID Provider discovery at ${settings.issuer} failed: ${(err as Error).message}. Check OIDC_ISSUER.`,
      { cause: err },
    );
  }
  return {
    issuer: settings.issuer,
    jwksUri: config.serverMetadata().jwks_uri,
    async start() {
      const transaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(transaction.verifier),
        code_challenge_method: "S256",
        state: transaction.state,
        nonce: transaction.nonce,
        ...(settings.acrValues?.length ? { acr_values: settings.acrValues.join(" ") } : {}),
      });
      return { url: url.href, transaction };
    },
    async finish(callbackUrl, transaction) {
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: transaction.verifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        });
        const claims = { ...tokens.claims() } as Record<string, unknown>;
        if (tokens.access_token) {
          // The userinfo endpoint is authoritative for profile claims some providers leave out of the ID token.
          const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
          Object.assign(claims, info);
        }
        return { claims, idToken: tokens.id_token };
      } catch (err) {
        throw new SpeError("AUTH_LOGIN_FAILED", `The sign-in could not be completed: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    logoutUrl(idToken) {
      if (!config.serverMetadata().end_session_endpoint) return settings.postLogoutRedirectUri;
      const params: Record<string, string> = {
        post_logout_redirect_uri: settings.postLogoutRedirectUri,
        client_id: settings.clientId,
      };
      if (idToken) params.id_token_hint = idToken;
      return client.buildEndSessionUrl(config, params).href;
    },
  };
}
