import type { IncomingMessage } from "node:http";
import type { WorkspaceHosts } from "./workspace-hosts";

/**
 * Requests to a workspace host are routed under this prefix, which no request can name itself: the UI's
 * routes, its API, its sign-in and its files never answer on a workspace host, and the gateway's routes
 * never answer on the UI's. Chosen before routing, by the Host header (Fastify's rewriteUrl).
 */
export const WORKSPACE_HOST_PREFIX = "/_workspace-host";

/** Fastify's rewriteUrl: a workspace host's request goes under the prefix; the prefix named on the UI's host goes nowhere. */
export function dispatchByHost(hosts: Pick<WorkspaceHosts, "classify">) {
  return (req: IncomingMessage): string => {
    const url = req.url ?? "/";
    const path = url.startsWith("/") ? url : "/";
    if (hosts.classify(req.headers.host).kind === "workspace") return `${WORKSPACE_HOST_PREFIX}${path}`;
    return path === WORKSPACE_HOST_PREFIX || path.startsWith(`${WORKSPACE_HOST_PREFIX}/`) ? `/_refused${path}` : url;
  };
}

/** Whether a (rewritten) request is one for a workspace host. */
export const onWorkspaceHost = (url: string) => url.startsWith(`${WORKSPACE_HOST_PREFIX}/`);

/** The path a request asked its workspace host for (the URL before the rewrite). */
export const hostPath = (url: string) => (onWorkspaceHost(url) ? url.slice(WORKSPACE_HOST_PREFIX.length) : url);
