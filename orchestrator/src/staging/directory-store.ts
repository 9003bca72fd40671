import { randomUUID } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { localRegularFiles } from "./local-files";
import { checkedNamespace, checkedPath, checkedRef } from "./staged-names";
import { datasetPrefix, deliveryPrefix, StagedFileUnavailable, type StagedDeliveryRef, type StagingStore } from "./staging-store";

/**
 * The staging store as a folder on the orchestrator's disk (the default): `<root>/<namespace>/<id>@<version>/<delivery>/<file>`,
 * owner-only. Files are written under a hidden name and renamed into place, so a reader never sees half a file.
 */
export function directoryStagingStore(root: string): StagingStore {
  const folderOf = (d: StagedDeliveryRef) => join(root, ...deliveryPrefix(checkedRef(d)).split("/"));
  const fileOf = (d: StagedDeliveryRef, path: string) => join(folderOf(d), ...checkedPath(path).split("/"));

  async function writeFile(delivery: StagedDeliveryRef, path: string, body: Readable): Promise<void> {
    const target = fileOf(delivery, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const partial = join(dirname(target), `.partial-${randomUUID()}`);
    try {
      await pipeline(body, createWriteStream(partial, { flags: "wx", mode: 0o600 }));
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
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
        for (const file of await localRegularFiles(folder)) await writeFile(delivery, file.path, (await open(join(folder, file.path))).createReadStream());
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    listFiles: async (delivery) => (await localRegularFiles(folderOf(delivery))).map(({ path, bytes }) => ({ path, bytes })),

    async openFile(delivery, path) {
      // O_NOFOLLOW: the staging folder is ours, but a link planted in it must not lead anywhere else.
      const handle = await open(fileOf(delivery, path), constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
        throw new StagedFileUnavailable(err.code ?? "unreadable", { cause: err });
      });
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        throw new StagedFileUnavailable("not a file");
      }
      return { bytes: stat.size, body: handle.createReadStream({ highWaterMark: 1024 * 1024 }) };
    },

    deleteDelivery: async (delivery) => rm(folderOf(delivery), { recursive: true, force: true }),

    async deleteOtherDeliveries(keep) {
      const folder = join(root, ...datasetPrefix(checkedRef(keep)).split("/"));
      const entries = await readdir(folder).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? [] : Promise.reject(err)));
      for (const entry of entries) if (entry !== keep.id) await rm(join(folder, entry), { recursive: true, force: true });
    },

    deleteNamespace: async (namespace) => rm(join(root, checkedNamespace(namespace)), { recursive: true, force: true }),
  };
}
