// The development OpenID Provider in a process of its own, for benchmarks: oidc-provider keeps an
// AsyncLocalStorage, and once it has served a request every promise of its process pays for async hooks.
// A production orchestrator signs people in at a real IdP elsewhere, so the API benchmark keeps that cost
// out of the server it measures. Prints the provider's issuer and client as one JSON line; stops on SIGTERM.
import { parseArgs } from "node:util";
import { startDevIdentityProvider } from "../../src/auth/dev-provider";

const { values } = parseArgs({ options: { port: { type: "string" }, "app-url": { type: "string" } } });
const idp = await startDevIdentityProvider({
  host: "127.0.0.1",
  port: Number(values.port),
  appUrl: values["app-url"]!,
});
process.stdout.write(
  `${JSON.stringify({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret })}\n`,
);
process.once("SIGTERM", () => void idp.stop().finally(() => process.exit(0)));
