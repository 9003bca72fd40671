import { createHash } from "node:crypto";

/**
 * The namespace of a permit's environment: `spe-<readable part>-<hash>`. Deterministic, a valid DNS-1123
 * label (≤ 63 characters), and collision-proof: permit ids that read alike after lower-casing and
 * replacing other characters still differ in the hash of the exact id.
 */
export function namespaceFor(permitId: string): string {
  const readable = permitId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  const hash = createHash("sha256").update(permitId).digest("hex").slice(0, 10);
  return readable ? `spe-${readable}-${hash}` : `spe-${hash}`;
}
