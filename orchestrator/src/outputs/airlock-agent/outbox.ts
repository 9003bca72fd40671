import { constants, existsSync, type Stats } from "node:fs";
import { lstat, open, readdir, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { SpeError } from "../../errors";

/** A regular file in the outbox, as listed. */
export interface OutboxEntry {
  /** Relative POSIX path inside the outbox. */
  path: string;
  size: number;
  /** Last modification, ISO 8601. */
  modified: string;
}

/** An open regular file inside the outbox. */
export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

const { O_RDONLY, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK, O_NOCTTY } = constants;
const DIRECTORY_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. O_NOCTTY: a terminal device
// must not become our controlling terminal. Neither changes reading a regular file.
const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

/**
 * On Linux a directory is entered through its open descriptor (`/proc/self/fd/N/name`), which is what
 * openat(2) does: with O_NOFOLLOW on every step no symlink is followed anywhere in the path, even one
 * swapped in after a check. Elsewhere (developers' machines) names are joined, O_NOFOLLOW guards the last
 * component and each directory is checked with lstat first: good enough outside production.
 */
const FD_PATHS = existsSync("/proc/self/fd");

/** A directory of the outbox, open, with the path it was reached by. */
interface Directory {
  handle: FileHandle;
  path: string;
}

function child(dir: Directory, name: string): string {
  return FD_PATHS ? `/proc/self/fd/${dir.handle.fd}/${name}` : join(dir.path, name);
}

/** Read-only access to one folder: never follows a symlink, never serves anything but regular files. */
export class Outbox {
  constructor(private readonly root: string) {}

  /** Every regular file under the root, recursively, sorted by path; symlinks and special files are left out. */
  async list(): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    const root = await this.openRoot();
    try {
      await walk(root, "", entries);
    } finally {
      await root.handle.close();
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Opens the file at `segments` (from outboxPathSegments) for reading. Throws OUTBOX_FILE_NOT_FOUND, or
   * OUTBOX_PATH_REFUSED for a symlink anywhere in the path, a directory or a special file.
   */
  async open(segments: readonly string[]): Promise<OpenedFile> {
    const shown = segments.join("/");
    let dir = await this.openRoot();
    try {
      for (const [i, name] of segments.slice(0, -1).entries()) {
        const next = await openStep(dir, name, DIRECTORY_FLAGS, segments.slice(0, i + 1).join("/"));
        await dir.handle.close();
        dir = { handle: next, path: join(dir.path, name) };
      }
      const handle = await openStep(dir, segments.at(-1)!, FILE_FLAGS, shown);
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        throw refused(`${shown} is ${kindOf(stats)}, not a regular file.`);
      }
      return { handle, stats };
    } finally {
      await dir.handle.close();
    }
  }

  private async openRoot(): Promise<Directory> {
    return { handle: await open(this.root, DIRECTORY_FLAGS), path: this.root };
  }
}

/**
 * One step of a path: lstat first for a clear refusal (symlink, special file, directory where a file was
 * asked), then the open whose flags make the refusal hold even if the entry changed in between.
 */
async function openStep(dir: Directory, name: string, flags: number, shown: string): Promise<FileHandle> {
  const path = child(dir, name);
  const stats = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    throw err.code === "ENOENT" || err.code === "ENOTDIR" ? notFound(shown) : err;
  });
  const wantsDirectory = (flags & O_DIRECTORY) !== 0;
  if (stats.isSymbolicLink()) throw refused(`${shown} is a symbolic link; links are not followed out of the outbox.`);
  if (wantsDirectory && !stats.isDirectory()) throw notFound(shown);
  if (!wantsDirectory && !stats.isFile()) throw refused(`${shown} is ${kindOf(stats)}, not a regular file.`);
  try {
    return await open(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENOTDIR" || code === "ENXIO")
      throw refused(`${shown} changed into a link or special file while being opened.`);
    if (code === "ENOENT") throw notFound(shown);
    throw err;
  }
}

async function walk(dir: Directory, prefix: string, entries: OutboxEntry[]): Promise<void> {
  const names = await readdir(FD_PATHS ? `/proc/self/fd/${dir.handle.fd}` : dir.path, { withFileTypes: true });
  for (const entry of names) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile()) {
      const stats = await lstat(child(dir, entry.name)).catch(() => undefined);
      if (stats?.isFile()) entries.push({ path: relative, size: stats.size, modified: stats.mtime.toISOString() });
    } else if (entry.isDirectory()) {
      const handle = await open(child(dir, entry.name), DIRECTORY_FLAGS).catch(() => undefined);
      if (!handle) continue; // removed, or swapped for a link, since readdir
      try {
        await walk({ handle, path: join(dir.path, entry.name) }, relative, entries);
      } finally {
        await handle.close();
      }
    }
    // Symlinks, FIFOs, sockets and devices are not listed: they cannot be exported.
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

function refused(message: string): SpeError {
  return new SpeError("OUTBOX_PATH_REFUSED", message);
}

function notFound(shown: string): SpeError {
  return new SpeError("OUTBOX_FILE_NOT_FOUND", `${shown} is not in the outbox.`);
}
