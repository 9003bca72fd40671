/**
 * The permit id a signed permit claims, read from its payload without checking anything: only to name the
 * permit in a refusal, so that an operator knows which one it was even when its signature is what failed.
 * Undefined for text that is not a compact JWS with such an id.
 */
export function claimedPermitId(jws: string): string | undefined {
  const payload = jws.split(".")[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const id = typeof claims === "object" && claims !== null && "permitId" in claims ? claims.permitId : undefined;
    // An id as long as the schema allows at most; anything else is not worth repeating to a person.
    return typeof id === "string" && id.length > 0 && id.length <= 128 ? id : undefined;
  } catch {
    return undefined;
  }
}
