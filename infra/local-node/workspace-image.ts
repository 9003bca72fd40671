import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runCommand } from "../local-cluster/processes";
import { LocalNodeError } from "./errors";
import { importImages } from "./image";

/** The file scripts/build-images.sh writes the workspace image to, in its cache (SPE_IMAGE_CACHE). */
export const WORKSPACE_ARCHIVE = "workspace-jupyterlab.oci.tar";

/**
 * The real JupyterLab workspace image as an OCI archive, when scripts/build-images.sh has built it on this
 * machine; undefined otherwise (the node then runs the stand-in). Same cache folder as the script's.
 */
export function builtWorkspaceArchive(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cache = env.SPE_IMAGE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "spe-images");
  const archive = join(cache, WORKSPACE_ARCHIVE);
  return existsSync(archive) ? archive : undefined;
}

const ociIndex = z.object({
  manifests: z.array(z.object({ annotations: z.record(z.string(), z.string()).optional() })).min(1),
});

/** The name buildah gave the image in the archive (`oci-archive:<file>:<name>`), which `ctr` imports it under. */
export async function archiveImageName(archive: string): Promise<string> {
  const index = ociIndex.safeParse(JSON.parse(await runCommand("tar", ["-xOf", archive, "index.json"])));
  const name = index.success ? index.data.manifests[0]!.annotations?.["org.opencontainers.image.ref.name"] : undefined;
  // ctr keeps a full reference as it is and would prefix a bare tag with a made-up name.
  if (!name?.includes("/"))
    throw new LocalNodeError(
      "NODE_IMAGE_IMPORT_FAILED",
      `${archive} names no image (org.opencontainers.image.ref.name): write it with buildah push <image> oci-archive:<file>:<name>, as scripts/build-images.sh does.`,
    );
  return name;
}

/** Imports the built workspace image into the node's containerd under the name the environments' pods ask for. */
export async function importWorkspaceImage(containerdSocket: string, archive: string, name: string): Promise<void> {
  const built = await archiveImageName(archive);
  await importImages(containerdSocket, archive);
  try {
    await runCommand("ctr", [
      "--address",
      containerdSocket,
      "--namespace",
      "k8s.io",
      "images",
      "tag",
      "--force",
      built,
      name,
    ]);
  } catch (err) {
    throw new LocalNodeError(
      "NODE_IMAGE_IMPORT_FAILED",
      `ctr could not name the imported ${built} ${name}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
