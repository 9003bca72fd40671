import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import { uiCookies } from "../src/auth/session-cookie";
import { registerGateway, type GatewayOptions } from "../src/gateway/gateway";
import { dispatchByHost } from "../src/gateway/host-dispatch";
import { workspaceHostKey, workspaceHosts, type WorkspaceHosts } from "../src/gateway/workspace-hosts";
import { workspaceIdentities, type WorkspaceIdentities } from "../src/gateway/workspace-identities";

/**
 * The gateway alone on an app as buildApp wires it (dispatch by Host, cookies), for `publicUrl`'s host and
 * `*.ws.localhost` workspace hosts. Returns the app, its hosts and the UI session cookie's name.
 */
export async function gatewayApp(
  options: Omit<GatewayOptions, "uiCookies" | "hosts" | "identities">,
): Promise<{ app: FastifyInstance; hosts: WorkspaceHosts; identities: WorkspaceIdentities; sessionCookie: string }> {
  const hosts = workspaceHosts({
    publicUrl: options.publicUrl,
    domain: "ws.localhost",
    key: workspaceHostKey(Buffer.alloc(32, 3)),
  });
  const app = Fastify({ rewriteUrl: dispatchByHost(hosts) });
  await app.register(cookie);
  const cookies = uiCookies(options.publicUrl);
  const identities = workspaceIdentities(Buffer.alloc(32, 3));
  await registerGateway(app, { ...options, uiCookies: cookies, hosts, identities });
  return { app, hosts, identities, sessionCookie: cookies.session };
}
