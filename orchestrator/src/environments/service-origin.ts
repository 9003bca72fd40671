/**
 * Where the gateway (or the airlock) finds a Service of an environment: an origin such as
 * `http://workspace.<namespace>.svc.cluster.local`. A strategy chosen at start-up: by name in a cluster with
 * DNS and Service routing, by the pod's address where there is neither (the local node). It lives with the
 * environments, whose Services it names, so that the gateway and the airlock both take it from there
 * rather than one from the other.
 */
export type UpstreamResolver = (namespace: string) => Promise<string>;

/** The production strategy: the configured template with `{namespace}` replaced; the cluster's DNS does the rest. */
export function templateUpstream(template: string): UpstreamResolver {
  return (namespace) => Promise.resolve(template.replaceAll("{namespace}", namespace));
}
