import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/**
 * Regular files under a local folder, recursively, as `/`-separated relative paths sorted by path, with
 * their sizes. Links, special files and hidden names (half-written partials) are left out.
 */
export async function localRegularFiles(folder: string): Promise<Array<{ path: string; bytes: number }>> {
  const entries = await readdir(folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? [] : Promise.reject(err)));
  const files: Array<{ path: string; bytes: number }> = [];
  for (const entry of entries) {
    const path = relative(folder, join(folder, entry)).split(sep).join("/");
    if (path.split("/").some((segment) => segment.startsWith("."))) continue;
    const stat = await lstat(join(folder, entry));
    if (stat.isFile()) files.push({ path, bytes: stat.size });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
