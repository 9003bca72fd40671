import * as k8s from "@kubernetes/client-node";

/** The audience of the loader's projected token: the staging endpoint, never the Kubernetes API. */
export const STAGING_AUDIENCE = "spe-staging";
/** The ServiceAccount the data loader's pods run as, and no other pod may (policies/admission). */
export const LOADER_SERVICE_ACCOUNT = "data-loader";

export type LoaderIdentityVerdict = { ok: true; pod: string } | { ok: false; reason: string };
/** Whether `token` proves that a request comes from a running data-loader pod of `namespace`. */
export type LoaderIdentity = (token: string, namespace: string) => Promise<LoaderIdentityVerdict>;

const POD_NAME = "authentication.kubernetes.io/pod-name";

/**
 * Checks a loader's token with the API server (a TokenReview): it must be a projected token of the
 * namespace's data-loader ServiceAccount for the staging audience, bound to a pod that still exists. The
 * kubelet gives the loader's pod such a token, short-lived and refreshed; a copy of it is worthless once that
 * pod is gone or the token's life (ten minutes) is over, and no other pod of the namespace can get one.
 */
export function tokenReviewLoaderIdentity(kc: k8s.KubeConfig): LoaderIdentity {
  const authentication = kc.makeApiClient(k8s.AuthenticationV1Api);
  return async (token, namespace) => {
    const review = await authentication.createTokenReview({
      body: { spec: { token, audiences: [STAGING_AUDIENCE] } },
    });
    const status = review.status;
    if (!status?.authenticated) return { ok: false, reason: status?.error ?? "not authenticated" };
    const user = status.user?.username;
    if (user !== `system:serviceaccount:${namespace}:${LOADER_SERVICE_ACCOUNT}`)
      return { ok: false, reason: `the token is ${user}'s, not this environment's data loader's` };
    if (!status.audiences?.includes(STAGING_AUDIENCE))
      return { ok: false, reason: "the token is not for the staging endpoint" };
    const pod = status.user?.extra?.[POD_NAME]?.[0];
    if (!pod) return { ok: false, reason: "the token is bound to no pod" };
    return { ok: true, pod };
  };
}
