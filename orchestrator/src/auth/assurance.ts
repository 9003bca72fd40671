/**
 * How strongly a person must have signed in. The identity provider states it in the ID token: `acr` (the
 * assurance level, e.g. Swedish e-identification's loa3) and `amr` (the methods used, RFC 8176: `pwd`,
 * `otp`, `hwk`, `mfa`, …). Either list being non-empty makes it a requirement; a sign-in passes when its
 * `acr` is one of `acr` or one of its `amr` values is one of `amr`.
 */
export interface AssuranceRequirement {
  acr: readonly string[];
  amr: readonly string[];
}

/** Why a sign-in is not strong enough, in words for the person; undefined when it is (or nothing is required). */
export function assuranceRefusal(claims: Record<string, unknown>, required: AssuranceRequirement): string | undefined {
  if (!required.acr.length && !required.amr.length) return undefined;
  const acr = typeof claims.acr === "string" ? claims.acr : undefined;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === "string") : [];
  if (acr !== undefined && required.acr.includes(acr)) return undefined;
  if (amr.some((m) => required.amr.includes(m))) return undefined;
  const used =
    [acr ? `level ${acr}` : undefined, amr.length ? `methods ${amr.join(", ")}` : undefined]
      .filter(Boolean)
      .join(" and ") || "no stated level or method";
  const wanted = [
    required.acr.length ? `level ${required.acr.join(" or ")}` : undefined,
    required.amr.length ? `a second factor (${required.amr.join(", ")})` : undefined,
  ]
    .filter(Boolean)
    .join(", or ");
  return `This service needs a stronger sign-in: ${wanted}. Yours used ${used}. Sign in again with your second factor.`;
}
