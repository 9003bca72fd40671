import * as k8s from "@kubernetes/client-node";
import { FIELD_MANAGER } from "./owned-labels";

/** Kinds whose every field matters: a rule someone else added (say, an allow-all ingress) must go too. */
const EXACT_KINDS = new Set(["NetworkPolicy"]);

/** JSON with sorted keys and without undefined values, to compare model objects. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * The one write step: server-side apply, our field manager, force (we own these fields). Apply leaves
 * fields other managers added; for EXACT_KINDS a spec that differs from ours after apply is replaced whole.
 */
export async function applyObject<T extends k8s.KubernetesObject & { spec?: unknown }>(
  client: k8s.KubernetesObjectApi,
  object: T,
): Promise<T> {
  const applied = await client.patch(
    object,
    undefined,
    undefined,
    FIELD_MANAGER,
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
  if (!EXACT_KINDS.has(object.kind!) || canonical(applied.spec) === canonical(object.spec)) return applied;
  return client.replace(
    { ...object, metadata: { ...object.metadata, resourceVersion: applied.metadata?.resourceVersion } },
    undefined,
    undefined,
    FIELD_MANAGER,
  );
}

/** Deletes an object; one that is already gone counts as deleted. Dependants go in the background. */
export async function deleteObject(client: k8s.KubernetesObjectApi, object: k8s.KubernetesObject): Promise<void> {
  try {
    await client.delete(
      {
        apiVersion: object.apiVersion!,
        kind: object.kind!,
        metadata: { name: object.metadata!.name!, namespace: object.metadata!.namespace },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      "Background",
    );
  } catch (err) {
    if (err instanceof k8s.ApiException && err.code === 404) return;
    throw err;
  }
}

/** A one-line reason from a Kubernetes API error, for conditions and logs. */
export function describeKubeError(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    try {
      const body = JSON.parse(err.body as string) as { message?: string };
      return `${err.code}: ${body.message ?? "no message"}`;
    } catch {
      return `${err.code}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
