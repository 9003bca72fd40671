/**
 * Where the gateway (or the airlock) finds a Service of an environment: an origin such as
 * `http://workspace-<person>.<namespace>.svc.cluster.local`. A strategy chosen at start-up: by default the address of
 * the pod the orchestrator identified itself (kube/owned-pod-origin.ts), or by a configured name. It lives with the
 * environments, whose Services it names, so that the gateway and the airlock both take it from there
 * rather than one from the other.
 */
export type UpstreamResolver = (namespace: string, person?: string) => Promise<string>;

/**
 * By name: the configured template with `{namespace}` (and `{person}`, the opaque id of a person's workspace,
 * gateway/workspace-identities.ts) replaced; the cluster's DNS and Service routing do the
 * rest. Where the orchestrator cannot reach pods by address. The default is ownedPodOrigin: the pod the
 * orchestrator made itself, not whatever a name resolves to.
 */
export function templateUpstream(template: string): UpstreamResolver {
  return (namespace, person = "") =>
    Promise.resolve(template.replaceAll("{namespace}", namespace).replaceAll("{person}", person));
}

/** Where the gateway finds a person's workspace by name when WORKSPACE_UPSTREAM does not say: its Service. */
export const DEFAULT_WORKSPACE_UPSTREAM = "http://workspace-{person}.{namespace}.svc.cluster.local";
