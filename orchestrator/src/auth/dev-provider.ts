import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { SpeError } from "../errors";
import { DEMO_ACCOUNTS, DEMO_DATA_HOLDER, DEMO_HDAB_CLIENT, DEMO_ONE_TIME_CODE, DEMO_PASSWORD } from "./demo-accounts";
import { DELIVERY_SCOPE, PERMITS_SCOPE } from "./machine-tokens";

/** Swedish e-identification assurance levels (Digg's trust framework), as `acr` values. */
const LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2";
const LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3";
import { loginPage } from "./dev-login-page";

export interface DevIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export interface DevProviderOptions {
  host: string;
  port: number;
  /** The orchestrator's public URL: its callback and post-logout URLs are registered from it. */
  appUrl: string;
  /** The audience of data holders' access tokens (a resource indicator); by default the app's API. */
  machineAudience?: string;
}

const SCOPE = "openid profile email groups";
const MACHINE_CLIENTS: ReadonlySet<string> = new Set([DEMO_DATA_HOLDER.clientId, DEMO_HDAB_CLIENT.clientId]);

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error("form too large"));
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

/** Our login form in place of oidc-provider's devInteractions: it checks the demo password. */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const send = (status: number, html: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(html);
  };
  if (req.method === "GET") return send(200, loginPage(details.uid));
  if (req.method !== "POST") return send(405, "Method not allowed");
  const form = await readForm(req);
  const subject = form.get("username")?.trim() ?? "";
  const account = DEMO_ACCOUNTS.find((a) => a.subject === subject);
  if (!account || form.get("password") !== DEMO_PASSWORD) {
    return send(401, loginPage(details.uid, "Unknown user name or wrong password."));
  }
  // A one-time code, when given, makes it a two-factor sign-in, stated the way real providers do.
  const code = form.get("otp")?.trim();
  if (code && code !== DEMO_ONE_TIME_CODE) return send(401, loginPage(details.uid, "Wrong one-time code."));
  const login = code
    ? { accountId: account.subject, acr: LOA3, amr: ["pwd", "otp"] }
    : { accountId: account.subject, acr: LOA2, amr: ["pwd"] };
  await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

/**
 * Starts a development OpenID Provider on its own port with the demo accounts and one confidential client,
 * the orchestrator. Development only.
 */
export async function startDevIdentityProvider(options: DevProviderOptions): Promise<DevIdentityProvider> {
  const issuer = `http://localhost:${options.port}`;
  const clientId = "spe-orchestrator";
  const machineAudience = options.machineAudience ?? `${options.appUrl}/api/v1`;
  const clientSecret = randomBytes(24).toString("base64url");
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: "dev-1", alg: "RS256", use: "sig" };

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${options.appUrl}/auth/callback`],
        post_logout_redirect_uris: [`${options.appUrl}/`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
      {
        client_id: DEMO_DATA_HOLDER.clientId,
        client_secret: DEMO_DATA_HOLDER.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: DELIVERY_SCOPE,
      },
      {
        client_id: DEMO_HDAB_CLIENT.clientId,
        client_secret: DEMO_HDAB_CLIENT.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: PERMITS_SCOPE,
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    scopes: [...SCOPE.split(" "), DELIVERY_SCOPE, PERMITS_SCOPE],
    // How the person signed in (acr, amr) goes with every ID token, as real providers do; the provider
    // includes a claim only when a requested scope lists it.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      openid: ["sub", "acr", "amr", "auth_time"],
      profile: ["name"],
      email: ["email"],
      groups: ["groups"],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    acrValues: [LOA2, LOA3],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      clientCredentials: { enabled: true },
      // Data holders' tokens are JWTs (RFC 9068) for one audience, so the orchestrator verifies them with
      // the provider's published keys and never needs to call back.
      resourceIndicators: {
        enabled: true,
        // Only the machine clients' tokens are for our API; people's sign-ins keep opaque tokens for userinfo.
        defaultResource: (_ctx, client) =>
          client && MACHINE_CLIENTS.has(client.clientId) ? machineAudience : undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== machineAudience) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          // Each client is further held to its own registered scope: a data holder cannot ask for `permits`.
          return {
            scope: `${DELIVERY_SCOPE} ${PERMITS_SCOPE}`,
            audience: machineAudience,
            accessTokenFormat: "jwt",
            accessTokenTTL: 600,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = DEMO_ACCOUNTS.find((a) => a.subject === id);
      if (!account) return undefined;
      return {
        accountId: account.subject,
        claims: () => ({ sub: account.subject, name: account.name, email: account.email, groups: account.groups }),
      };
    },
    // The orchestrator is a first-party client: grant its scopes without a consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const existing = ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope(SCOPE);
      grant.addOIDCClaims(["name", "email", "groups"]);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  const server = createServer((req, res) => {
    if (req.url?.startsWith("/interaction/")) {
      interaction(provider, req, res).catch((err: Error) => {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end(`The sign-in could not continue: ${err.message}. Start again from the application.`);
      });
      return;
    }
    callback(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new SpeError(
              "PORT_IN_USE",
              `Port ${options.port} for the development OpenID Provider is taken. Set DEV_IDP_PORT to a free port.`,
            )
          : err,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : options.port;
  if (boundPort !== options.port) {
    // Port 0 asked for any free port: the issuer must name the real one, so start again on it.
    await new Promise((r) => server.close(r));
    return startDevIdentityProvider({ ...options, port: boundPort });
  }
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
