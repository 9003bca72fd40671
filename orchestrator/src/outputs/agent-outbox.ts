import { SpeError } from "../errors";
import type { UpstreamResolver } from "../environments/service-origin";
import { airlockAgentClient } from "./airlock-agent/client";
import type { Outbox } from "./requests/airlock-ports";

/**
 * The agent's refusals in the words of an export request: a missing or refused file is the researcher's to
 * fix. An agent that cannot be reached is said in words only: the reason (its cluster address, a socket
 * error) stays in the cause, for the log, and never reaches the person.
 */
function asExportError(err: unknown, namespace: string): unknown {
  if (!(err instanceof SpeError)) return err;
  if (err.code === "AIRLOCK_AGENT_FAILED")
    return new SpeError(
      "OUTBOX_UNAVAILABLE",
      `The outbox of ${namespace} cannot be read now: its workspace is not running or not answering. Try again when the workspace runs.`,
      { cause: err },
    );
  if (err.code === "OUTBOX_FILE_NOT_FOUND" || err.code === "OUTBOX_PATH_REFUSED" || err.code === "OUTBOX_PATH_INVALID")
    return new SpeError("EXPORT_FILE_REFUSED", err.message, { cause: err });
  return err;
}

/**
 * The outboxes of environments, read through each environment's airlock agent, found by the same kind of
 * strategy as the gateway's workspaces. The agent serves the outbox read-only and only to us.
 */
export function agentOutbox(agentUrlFor: UpstreamResolver): Outbox {
  const agentUrl = (namespace: string) =>
    agentUrlFor(namespace).catch((err: unknown) =>
      Promise.reject(new SpeError("AIRLOCK_AGENT_FAILED", (err as Error).message, { cause: err })),
    );
  const agent = async (namespace: string) => airlockAgentClient(await agentUrl(namespace));
  return {
    list: (namespace) =>
      agent(namespace)
        .then((a) => a.list())
        .catch((err: unknown) => Promise.reject(asExportError(err, namespace))),
    copy: (namespace, path, destination, maxBytes) =>
      agent(namespace)
        .then((a) => a.download(path, destination, { maxBytes }))
        .catch((err: unknown) => Promise.reject(asExportError(err, namespace))),
  };
}
