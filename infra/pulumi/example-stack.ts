// Test support: a complete, valid stack configuration as Pulumi hands it to the program (JSON strings).

export const EXAMPLE_SECRETS = {
  databaseUrl: "postgres://spe:pg-password-7f3a9c@db.internal:5432/spe",
  oidcClientSecret: "oidc-client-secret-4b8e2d61a0",
} as const;

export const EXAMPLE_TRUSTED_ISSUERS = {
  "https://hdab.example.se": {
    keys: [
      {
        kty: "EC",
        crv: "P-256",
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        kid: "hdab-1",
      },
    ],
  },
};

/** The raw values of every `spe:` key, as strings, like `pulumi config` stores them. */
export function exampleStackConfig(): Record<string, string> {
  return {
    publicUrl: "https://spe.example.se",
    // A registrable domain apart from the UI's, as the README recommends.
    workspaceDomain: "spe-workspaces.example",
    images: JSON.stringify({ registry: "registry.spe.internal/spe", orchestrator: "orchestrator:1.0.0" }),
    replicas: "2",
    databaseUrl: EXAMPLE_SECRETS.databaseUrl,
    oidc: JSON.stringify({
      issuer: "https://idp.example.se/realms/spe",
      clientId: "spe-orchestrator",
      requiredAmr: ["mfa"],
    }),
    oidcClientSecret: EXAMPLE_SECRETS.oidcClientSecret,
    trustedIssuers: JSON.stringify(EXAMPLE_TRUSTED_ISSUERS),
    keySecrets: JSON.stringify({
      pseudonymisation: { name: "spe-pseudonymisation-key", key: "master.key" },
      releaseSigning: { name: "spe-release-signing-key", key: "release-signing.jwk" },
      staging: { name: "spe-staging-key", key: "staging.key" },
      cookie: { name: "spe-cookie-secret", key: "cookie.key" },
    }),
    network: JSON.stringify({
      apiServer: { cidrs: ["10.0.0.1/32", "192.168.10.5/32"], port: 6443 },
      postgres: { cidrs: ["10.20.0.0/28"] },
      oidc: { cidrs: ["10.30.1.10/32"] },
    }),
    admission: JSON.stringify({ egressAllowedCidrs: ["10.100.0.0/24"] }),
    metrics: JSON.stringify({ scraperNamespace: "monitoring" }),
  };
}

export const EXAMPLE_SECRET_KEYS = ["databaseUrl", "oidcClientSecret"];
