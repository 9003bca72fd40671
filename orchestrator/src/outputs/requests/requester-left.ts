import type { PermitPayload } from "../../permits/permit";
import { permitPersons, type LoadedRequest } from "./export-request-store";
import { permitEnded } from "./permit-standing";

/**
 * Why a request can no longer proceed because the permit no longer names the person who made it, or
 * undefined while it does. An amendment that removes a person ends their right to the data, so nothing they
 * asked to take out moves on: it stays, as it was, for the record.
 */
export function requesterLeft(permit: PermitPayload, requester: string): string | undefined {
  if (permitPersons(permit).includes(requester)) return undefined;
  return `${requester} is no longer named in permit ${permit.permitId}: their request stays for the record but cannot proceed.`;
}

/** Why nothing about this request moves on any more, with the code that says so, or undefined while it may. */
export function requestStopped(
  { permit, standing, request }: Pick<LoadedRequest, "permit" | "standing" | "request">,
  now: Date,
): { code: "EXPORT_PERMIT_ENDED" | "EXPORT_REQUESTER_REMOVED"; message: string } | undefined {
  const ended = permitEnded(standing, now);
  if (ended) return { code: "EXPORT_PERMIT_ENDED", message: ended };
  const left = requesterLeft(permit, request.requester);
  if (left) return { code: "EXPORT_REQUESTER_REMOVED", message: left };
  return undefined;
}
