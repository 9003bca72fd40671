/** The longest return path kept; a longer one is not a page of ours anyone links to. */
const MAX_LENGTH = 1000;

/**
 * Where to send a person after sign-in: a path of this origin only, so that a crafted link can never
 * make our sign-in forward someone to another site (an open redirect). Not `//host` or `/\host`, which
 * browsers read as another origin; nothing but printable ASCII (no spaces, controls or backslashes); not the
 * sign-in routes themselves.
 * Anything else is undefined, and the caller sends the person to the start page.
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > MAX_LENGTH) return undefined;
  // Printable ASCII only: a Location header cannot carry anything else (a browser sends such a path encoded).
  if (!/^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(value)) return undefined;
  if (value === "/auth" || value.startsWith("/auth/") || value.startsWith("/auth?")) return undefined;
  return value;
}
