import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
/** What a store needs of a checkpoint, audit or activity: its place and when it was signed. */
interface Signed {
  sequence: number;
  signedAt: string;
}

/** Where signed checkpoints are published: somewhere the database's owner cannot rewrite. */
export interface CheckpointStore {
  /** Where, in words (a folder), for messages. */
  location: string;
  /** Adds one signed checkpoint; never replaces one. */
  append(checkpoint: Signed, jws: string): void;
  /** The newest checkpoint: the one of the highest sequence, and of those the last signed. */
  latest(): { name: string; jws: string } | undefined;
}

const NAME = /^(\d{16})-(\d{8}T\d{9}Z)\.jws$/;

/**
 * A folder of one file per checkpoint, `<sequence>-<signed at>.jws`, each created once (never opened for
 * writing again) and read-only. Names sort by sequence, then time: a checkpoint signed after the log was
 * cut short never hides one that vouched for more.
 */
export function directoryCheckpointStore(dir: string): CheckpointStore {
  return {
    location: dir,
    append(checkpoint, jws) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const signedAt = checkpoint.signedAt.replace(/[-:.]/g, "");
      const name = `${String(checkpoint.sequence).padStart(16, "0")}-${signedAt}.jws`;
      try {
        writeFileSync(join(dir, name), `${jws}\n`, { flag: "wx", mode: 0o444 });
      } catch (err) {
        // Another replica signed the same head in the same millisecond: theirs says the same.
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    },
    latest() {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => NAME.test(n));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
      const name = names.sort().at(-1);
      return name === undefined ? undefined : { name, jws: readFileSync(join(dir, name), "utf8").trim() };
    },
  };
}
