import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { DEMO_DATA_HOLDER } from "./demo-accounts";
import { startDevIdentityProvider, type DevIdentityProvider } from "./dev-provider";
import { DELIVERY_SCOPE, machineTokenVerifier, type MachineTokenVerifier } from "./machine-tokens";

const AUDIENCE = "http://localhost:8080/api/v1";

/** The client-credentials grant as a data holder's system performs it. */
async function clientCredentials(
  issuer: string,
  clientId: string,
  secret: string,
  resource = AUDIENCE,
): Promise<Response> {
  return fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: DELIVERY_SCOPE, resource }).toString(),
  });
}

describe("data holders' access tokens from the development provider", () => {
  let idp: DevIdentityProvider;
  let verify: MachineTokenVerifier;
  let token: string;
  beforeAll(async () => {
    idp = await startDevIdentityProvider({
      host: "127.0.0.1",
      port: await freePort(),
      appUrl: "http://localhost:8080",
      machineAudience: AUDIENCE,
    });
    verify = machineTokenVerifier({ issuer: idp.issuer, jwksUri: `${idp.issuer}/jwks`, audience: AUDIENCE });
    const res = await clientCredentials(idp.issuer, DEMO_DATA_HOLDER.clientId, DEMO_DATA_HOLDER.clientSecret);
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => idp.stop());

  it("accepts a fresh token with the delivery scope and names the client", async () => {
    expect(await verify(`Bearer ${token}`, DELIVERY_SCOPE)).toEqual({
      clientId: DEMO_DATA_HOLDER.clientId,
      scopes: [DELIVERY_SCOPE],
    });
  });

  it.each<[string, () => string | undefined, string, RegExp]>([
    ["no header", () => undefined, DELIVERY_SCOPE, /Send an access token/],
    ["not a bearer token", () => `Basic ${token}`, DELIVERY_SCOPE, /Send an access token/],
    ["a token with a changed payload", () => `Bearer ${tamper(token)}`, DELIVERY_SCOPE, /not a valid access token/],
    ["a scope the token lacks", () => `Bearer ${token}`, "permits", /lacks the scope "permits"/],
  ])("refuses %s", async (_, header, scope, message) => {
    await expect(verify(header(), scope)).rejects.toThrow(message);
  });

  it("refuses a token meant for another service", async () => {
    const elsewhere = machineTokenVerifier({
      issuer: idp.issuer,
      jwksUri: `${idp.issuer}/jwks`,
      audience: "https://other.example/api",
    });
    await expect(elsewhere(`Bearer ${token}`, DELIVERY_SCOPE)).rejects.toThrow(/its aud claim/);
  });

  it("refuses a wrong client secret and an unknown resource at the provider", async () => {
    expect((await clientCredentials(idp.issuer, DEMO_DATA_HOLDER.clientId, "wrong")).status).toBe(401);
    expect(
      (
        await clientCredentials(
          idp.issuer,
          DEMO_DATA_HOLDER.clientId,
          DEMO_DATA_HOLDER.clientSecret,
          "https://other.example/api",
        )
      ).status,
    ).toBe(400);
  });
});

describe("machineTokenVerifier on tokens made here", () => {
  it("refuses an expired token and one of the wrong type, saying why", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "ES256" }] });
    const verify = machineTokenVerifier(
      { issuer: "https://idp.example", jwksUri: "https://idp.example/jwks", audience: AUDIENCE },
      keys,
    );
    const make = (typ: string, exp: number) =>
      new SignJWT({ scope: DELIVERY_SCOPE, client_id: "region-x" })
        .setProtectedHeader({ alg: "ES256", kid: "k", typ })
        .setIssuer("https://idp.example")
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(privateKey);
    const now = Math.floor(Date.now() / 1000);
    await expect(verify(`Bearer ${await make("at+jwt", now - 3600)}`, DELIVERY_SCOPE)).rejects.toThrow(/has expired/);
    await expect(verify(`Bearer ${await make("JWT", now + 600)}`, DELIVERY_SCOPE)).rejects.toThrow(
      /typ claim|not a valid/,
    );
    expect(await verify(`Bearer ${await make("at+jwt", now + 600)}`, DELIVERY_SCOPE)).toEqual({
      clientId: "region-x",
      scopes: [DELIVERY_SCOPE],
    });
  });
});

/** The same token with one payload character changed: its signature no longer fits. */
function tamper(jwt: string): string {
  const [header, payload, signature] = jwt.split(".");
  const flipped = payload!.slice(0, 10) + (payload![10] === "A" ? "B" : "A") + payload!.slice(11);
  return [header, flipped, signature].join(".");
}
