import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA-256>`. */
export const SIGNATURE_HEADER = "spe-signature";

/** HMAC-SHA-256 under the webhook's secret over `<timestamp>.<body>`: the body alone could be replayed later. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/**
 * What a receiver does (the README's recipe, in code): the signature must match the body as received and the
 * timestamp be within `toleranceSeconds` of now. Returns why it is refused, or undefined when it is good.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): string | undefined {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return "no signature";
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return "the timestamp is too old or too new";
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : "the signature is wrong";
}
