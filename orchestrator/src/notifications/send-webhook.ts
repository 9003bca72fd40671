import { signatureHeader, SIGNATURE_HEADER } from "./webhook-signature";
import type { WebhookDestination } from "./webhook-destinations";

/**
 * POSTs one notification to a configured webhook, signed. Redirects are not followed: the request goes to the
 * configured URL and nowhere else. Anything but a 2xx answer within the timeout is a failure to retry.
 */
export async function sendWebhook(
  destination: WebhookDestination,
  notificationId: string,
  body: string,
  { timeoutMs }: { timeoutMs: number },
): Promise<void> {
  // The wall clock, always: receivers hold it against theirs to refuse a replayed request.
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(destination.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "spe-orchestrator",
        "spe-notification-id": notificationId,
        [SIGNATURE_HEADER]: signatureHeader(destination.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError")
      throw new Error(`the webhook did not answer within ${timeoutMs / 1000} s`, { cause: err });
    const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    throw new Error(`the webhook could not be reached (${code ?? "no connection"})`, { cause: err });
  }
  // The body is not read: a receiver's answer is of no use here and could be large.
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) throw new Error(`the webhook answered HTTP ${response.status}`);
}
