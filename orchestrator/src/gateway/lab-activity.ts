import { z } from "zod";
import type { LabActivity } from "../environments/idle-decision";
import type { UpstreamResolver } from "../environments/service-origin";
import type { WorkspaceIdentities } from "./workspace-identities";

/** How long the Lab may take to answer before it counts as not answering. */
const ANSWER_MS = 5_000;

const when = z.iso.datetime({ offset: true }).nullish();
const status = z.object({ last_activity: when });
const kernels = z.array(z.object({ last_activity: when, execution_state: z.string().optional() }));
const terminals = z.array(z.object({ last_activity: when }));

/** A kernel that is running code, or has not yet said it is idle. */
const BUSY = new Set(["busy", "starting"]);

/**
 * Asks a person's JupyterLab what work is in it, as the gateway reaches it (the same upstream, the person's
 * own credential). `no_track_activity` keeps the asking from counting as activity of its own: Jupyter Server
 * otherwise counts every API request it answers. A Lab without terminals (404) has none. Throws when the Lab
 * does not answer, or answers what is not Jupyter's.
 */
export function labActivityOf(
  upstreamFor: UpstreamResolver,
  identities: Pick<WorkspaceIdentities, "tokenOf">,
): (namespace: string, personId: string) => Promise<LabActivity> {
  return async (namespace, personId) => {
    const origin = await upstreamFor(namespace, personId);
    const headers = { authorization: `token ${identities.tokenOf(namespace, personId)}`, accept: "application/json" };
    const ask = async <T>(path: string, schema: z.ZodType<T>, absent?: T): Promise<T> => {
      const res = await fetch(`${origin}${path}?no_track_activity=1`, {
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(ANSWER_MS),
      });
      if (res.status === 404 && absent !== undefined) return absent;
      if (!res.ok) throw new Error(`JupyterLab answered ${res.status} to ${path}`);
      return schema.parse(await res.json());
    };
    const [server, running, shells] = await Promise.all([
      ask("/api/status", status),
      ask("/api/kernels", kernels),
      ask("/api/terminals", terminals, []),
    ]);
    const dates = [server, ...running, ...shells].flatMap((o) =>
      o.last_activity ? [Date.parse(o.last_activity)] : [],
    );
    return {
      lastActivity: dates.length ? new Date(Math.max(...dates)) : null,
      busyKernels: running.filter((k) => BUSY.has(k.execution_state ?? "")).length,
    };
  };
}
