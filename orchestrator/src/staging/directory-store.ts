import { randomUUID } from "node:crypto";
import { constants, createWriteStream, type Stats } from "node:fs";
import { mkdir, open, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { localRegularFiles, missingAsEmpty, writeEachFile } from "./local-files";
import { checkedNamespace, checkedPath, checkedRef } from "./staged-names";
import {
  datasetPrefix,
  deliveryPrefix,
  StagedFileUnavailable,
  type StagedDeliveryRef,
  type StagingStore,
} from "./staging-store";

/**
 * The staging store as a folder on the orchestrator's disk (the default): `<root>/<namespace>/<id>@<version>/<delivery>/<file>`,
 * owner-only. Files are written under a hidden name and renamed into place, so a reader never sees half a file.
 */
export function directoryStagingStore(root: string): StagingStore {
  const folderOf = (d: StagedDeliveryRef) => join(root, ...deliveryPrefix(checkedRef(d)).split("/"));
  const fileOf = (d: StagedDeliveryRef, path: string) => join(folderOf(d), ...checkedPath(path).split("/"));

  /** Whether `file`, resolved through every link, is inside the root and is the file `opened` describes. */
  async function isUnderRoot(file: string, opened: Stats): Promise<boolean> {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + sep)) return false;
    const found = await stat(realFile);
    return found.dev === opened.dev && found.ino === opened.ino;
  }

  async function writeFile(delivery: StagedDeliveryRef, path: string, body: Readable): Promise<void> {
    let partial: string | undefined;
    try {
      const target = fileOf(delivery, path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      partial = join(dirname(target), `.partial-${randomUUID()}`);
      await pipeline(body, createWriteStream(partial, { flags: "wx", mode: 0o600 }));
      await rename(partial, target);
    } catch (err) {
      // The pipeline destroys it on its own failures; not on one before it began (a bad name, a folder it cannot make).
      body.destroy();
      throw err;
    } finally {
      if (partial) await rm(partial, { force: true });
    }
  }

  return {
    kind: "directory",
    writeFile,

    async importFolder(delivery, folder) {
      const target = folderOf(delivery);
      try {
        await mkdir(dirname(target), { recursive: true, mode: 0o700 });
        await rm(target, { recursive: true, force: true });
        await rename(folder, target);
      } catch (err) {
        // Another file system (a staging folder mounted apart from the work folder): copy file by file.
        if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
        await writeEachFile(folder, (path, body) => writeFile(delivery, path, body));
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    listFiles: (delivery) => localRegularFiles(folderOf(delivery)),

    async openFile(delivery, path) {
      const file = fileOf(delivery, path);
      // O_NOFOLLOW refuses a link only as the file's own name, not as a folder above it: for those, the
      // file opened must be the very file (same device and inode) found at its real path under the root.
      const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
        throw new StagedFileUnavailable(err.code ?? "unreadable", { cause: err });
      });
      try {
        const opened = await handle.stat();
        if (!opened.isFile()) throw new StagedFileUnavailable("not a file");
        if (!(await isUnderRoot(file, opened)))
          throw new StagedFileUnavailable("reached through a link out of the staging folder");
        return { bytes: opened.size, body: handle.createReadStream({ highWaterMark: 1024 * 1024 }) };
      } catch (err) {
        await handle.close();
        throw err instanceof StagedFileUnavailable
          ? err
          : new StagedFileUnavailable((err as NodeJS.ErrnoException).code ?? "unreadable", { cause: err });
      }
    },

    deleteDelivery: async (delivery) => rm(folderOf(delivery), { recursive: true, force: true }),

    async deleteOtherDeliveries(keep) {
      const folder = join(root, ...datasetPrefix(checkedRef(keep)).split("/"));
      const entries = await readdir(folder).catch(missingAsEmpty);
      for (const entry of entries)
        if (entry !== keep.id) await rm(join(folder, entry), { recursive: true, force: true });
    },

    deleteNamespace: async (namespace) => rm(join(root, checkedNamespace(namespace)), { recursive: true, force: true }),

    close: async () => undefined,
  };
}
