/** The longest return path kept; a longer one is not a page of ours anyone links to. */
const MAX_LENGTH = 1000;

const hasControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * Where to send a person after sign-in: a path of this origin only, so that a crafted link can never
 * make our sign-in forward someone to another site (an open redirect). Not `//host` or `/\host`, which
 * browsers read as another origin; no control characters or spaces; not the sign-in routes themselves.
 * Anything else is undefined, and the caller sends the person to the start page.
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > MAX_LENGTH) return undefined;
  if (!/^\/(?![/\\])[^\s\\]*$/.test(value) || hasControlCharacter(value)) return undefined;
  if (value === "/auth" || value.startsWith("/auth/") || value.startsWith("/auth?")) return undefined;
  return value;
}
