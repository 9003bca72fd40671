import { chmod, link, mkdir, rename, rm } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";

/**
 * A file admitted to quarantine by one submission, and that submission's own hold on its bytes: a hard
 * link of its own, kept until the submission is recorded or given up, so that another submission's
 * clean-up cannot take the bytes away in between (files are shared by hash).
 */
export interface Admitted {
  sha256: string;
  size: number;
  /** The submission's own link to the bytes; read the file here until it is settled. */
  hold: string;
}

/**
 * Where submitted files wait for review and released files are served from: outside every environment,
 * content-addressed by SHA-256 and read-only, so what checkers saw is byte for byte what leaves.
 */
export interface Quarantine {
  /** Runs `copy` into a fresh file and keeps it under its hash (the same bytes twice are stored once), with a hold. */
  admit(copy: (destination: string) => Promise<{ sha256: string; size: number }>): Promise<Admitted>;
  /** After the submission was recorded: makes sure the file is under its hash and lets go of the hold. */
  settle(admitted: Admitted): Promise<void>;
  /**
   * After a submission was given up: lets go of the hold and removes the file unless `isReferenced` says a
   * request refers to it, asking again after the file was moved aside so no concurrent submission loses it.
   */
  forget(admitted: Admitted, isReferenced: () => Promise<boolean>): Promise<void>;
  pathOf(sha256: string): string;
}

const exists = (err: unknown) => (err as NodeJS.ErrnoException).code === "EEXIST";
const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

export function createQuarantine(dir: string): Quarantine {
  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a SHA-256: ${sha256}`);
    return join(dir, sha256);
  };
  /** Puts the held bytes under their hash unless they are there already (same hash, same bytes). */
  const keep = (from: string, sha256: string) =>
    link(from, pathOf(sha256)).catch((err: unknown) => (exists(err) ? undefined : Promise.reject(err)));
  return {
    pathOf,
    async admit(copy) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const hold = join(dir, `incoming-${randomUUID()}`);
      try {
        const { sha256, size } = await copy(hold);
        await chmod(hold, 0o400);
        await keep(hold, sha256);
        return { sha256, size, hold };
      } catch (err) {
        await rm(hold, { force: true });
        throw err;
      }
    },
    async settle({ sha256, hold }) {
      // Another submission's clean-up may have removed the file since it was admitted: the hold restores it.
      await keep(hold, sha256);
      await rm(hold, { force: true });
    },
    async forget({ sha256, hold }, isReferenced) {
      await rm(hold, { force: true });
      // A file a recorded request refers to stays where it is, so readers never miss it.
      if (await isReferenced()) return;
      // Otherwise move it aside first and only then ask again: a submission recorded before that question
      // is seen and the file put back; one recorded after it puts the file back from its hold as it settles.
      const aside = join(dir, `forgotten-${randomUUID()}`);
      try {
        await rename(pathOf(sha256), aside);
      } catch (err) {
        if (missing(err)) return;
        throw err;
      }
      let referenced = true; // if the question fails, the file goes back
      try {
        referenced = await isReferenced();
      } finally {
        if (referenced) await keep(aside, sha256);
        await rm(aside, { force: true });
      }
    },
  };
}
