import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";

/**
 * Where submitted files wait for review and released files are served from: outside every environment,
 * content-addressed by SHA-256 and read-only, so what checkers saw is byte for byte what leaves.
 */
export interface Quarantine {
  /** Runs `copy` into a fresh file and keeps it under its hash; the same bytes twice are stored once. */
  admit(copy: (destination: string) => Promise<{ sha256: string; size: number }>): Promise<{ sha256: string; size: number }>;
  pathOf(sha256: string): string;
}

export function createQuarantine(dir: string): Quarantine {
  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
    return join(dir, sha256);
  };
  return {
    pathOf,
    async admit(copy) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const incoming = join(dir, `incoming-${randomUUID()}`);
      try {
        const { sha256, size } = await copy(incoming);
        const kept = pathOf(sha256);
        const already = await stat(kept).then(() => true, () => false);
        if (already) await rm(incoming);
        else {
          await chmod(incoming, 0o400);
          await rename(incoming, kept);
        }
        return { sha256, size };
      } catch (err) {
        await rm(incoming, { force: true });
        throw err;
      }
    },
  };
}
