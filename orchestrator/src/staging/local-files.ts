import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";

/** Orders staged files by their `/`-separated path, the same in every store. */
export const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** For a `readdir` of a folder that may not exist: nothing there is no error. */
export const missingAsEmpty = (err: NodeJS.ErrnoException): Promise<string[]> =>
  err.code === "ENOENT" ? Promise.resolve([]) : Promise.reject(err);

/**
 * Regular files under a local folder, recursively, as `/`-separated relative paths sorted by path, with
 * their sizes. Links, special files and hidden names (half-written partials) are left out.
 */
export async function localRegularFiles(folder: string): Promise<Array<{ path: string; bytes: number }>> {
  const entries = await readdir(folder, { recursive: true }).catch(missingAsEmpty);
  const files: Array<{ path: string; bytes: number }> = [];
  for (const entry of entries) {
    const path = relative(folder, join(folder, entry)).split(sep).join("/");
    if (path.split("/").some((segment) => segment.startsWith("."))) continue;
    const stat = await lstat(join(folder, entry));
    if (stat.isFile()) files.push({ path, bytes: stat.size });
  }
  return files.sort(byPath);
}

/** Hands each regular file of a local folder to `write`, one after another, as a stream. */
export async function writeEachFile(
  folder: string,
  write: (path: string, body: Readable) => Promise<void>,
): Promise<void> {
  for (const { path } of await localRegularFiles(folder))
    await write(path, createReadStream(join(folder, ...path.split("/")), { highWaterMark: 1024 * 1024 }));
}
