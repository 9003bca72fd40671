import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { runCommand } from "../local-cluster/processes";
import { LocalNodeError } from "./errors";

/** One image of the local node: a name under the SPE registry and how the probe binary starts in it. */
export interface ProbeImage {
  name: string;
  entrypoint: string[];
}

/** Where the probe binary sits in every image. */
const PROBE_PATH = "probe";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

type Blob = { digest: string; size: number };

async function writeBlob(layout: string, data: string): Promise<Blob> {
  const hex = sha256(data);
  await writeFile(join(layout, "blobs", "sha256", hex), data);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

/** Moves a file into the layout as a blob, hashed as a stream: a layer holding node is a hundred megabytes. */
async function moveBlob(layout: string, file: string): Promise<Blob> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  const hex = hash.digest("hex");
  await rename(file, join(layout, "blobs", "sha256", hex));
  return { digest: `sha256:${hex}`, size: (await stat(join(layout, "blobs", "sha256", hex))).size };
}

/** Builds an OCI image archive holding the probe binary and nothing else, one manifest per image name. */
export function buildProbeArchive(probeBinary: string, images: ProbeImage[], outFile: string): Promise<void> {
  return withRootfs(
    (rootfs) => copyFile(probeBinary, join(rootfs, PROBE_PATH)),
    images.map((i) => ({ ...i, entrypoint: i.entrypoint.map((a, n) => (n === 0 ? `/${PROBE_PATH}` : a)) })),
    outFile,
  );
}

/**
 * Builds an image of a bundled Node program (images/bundle-program.ts output, copied to /app) with this
 * host's own `node` and the shared libraries it loads: the images' distroless base cannot be pulled here.
 */
export async function buildNodeProgramArchive(
  bundleDir: string,
  bundleFile: string,
  name: string,
  outFile: string,
): Promise<void> {
  const node = await realpath((await runCommand("sh", ["-c", "command -v node"])).trim());
  const libraries = (await runCommand("ldd", [node]))
    .split("\n")
    .flatMap((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1] ?? []);
  await withRootfs(
    async (rootfs) => {
      const put = async (from: string, to: string) => {
        await mkdir(dirname(join(rootfs, to)), { recursive: true });
        await copyFile(from, join(rootfs, to));
      };
      await put(node, "/usr/bin/node");
      for (const library of libraries) await put(await realpath(library), library);
      await cp(bundleDir, join(rootfs, "app"), { recursive: true });
    },
    [{ name, entrypoint: ["/usr/bin/node", `/app/bin/${bundleFile}`] }],
    outFile,
  );
}

/**
 * Packs what `fill` puts into a root folder as one layer, and one manifest per image name (each with its own
 * entrypoint), into an OCI archive, with GNU tar and no registry or image builder. Owners and times in the
 * layer are fixed so the same files always give the same digest.
 */
async function withRootfs(
  fill: (rootfs: string) => Promise<void>,
  images: ProbeImage[],
  outFile: string,
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "spe-image-"));
  try {
    const layout = join(work, "layout");
    await mkdir(join(layout, "blobs", "sha256"), { recursive: true });
    const rootfs = join(work, "rootfs");
    await mkdir(rootfs);
    await fill(rootfs);
    const layerFile = join(work, "layer.tar");
    await runCommand("tar", [
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "--sort=name",
      "--mode=go-w",
      "-C",
      rootfs,
      "-cf",
      layerFile,
      ".",
    ]);
    const layer = await moveBlob(layout, layerFile);

    const manifests = [];
    for (const image of images) {
      const config = await writeBlob(
        layout,
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          // A numeric user: Pod Security restricted and runAsNonRoot need no /etc/passwd to check it.
          config: { Entrypoint: image.entrypoint, User: "65532:65532", WorkingDir: "/" },
          rootfs: { type: "layers", diff_ids: [layer.digest] },
        }),
      );
      const manifest = await writeBlob(
        layout,
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
        }),
      );
      manifests.push({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        ...manifest,
        platform: { architecture: "amd64", os: "linux" },
        annotations: {
          "io.containerd.image.name": image.name,
          "org.opencontainers.image.ref.name": image.name.split(":").at(-1),
        },
      });
    }
    await writeFile(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await writeFile(
      join(layout, "index.json"),
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
    );
    await runCommand("tar", [
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "-C",
      layout,
      "-cf",
      outFile,
      "oci-layout",
      "index.json",
      "blobs",
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Imports an archive into containerd's `k8s.io` namespace, where the kubelet's CRI looks for images. */
export async function importImages(containerdSocket: string, archive: string): Promise<void> {
  try {
    await runCommand("ctr", [
      "--address",
      containerdSocket,
      "--namespace",
      "k8s.io",
      "images",
      "import",
      "--snapshotter",
      "overlayfs",
      archive,
    ]);
  } catch (err) {
    throw new LocalNodeError(
      "NODE_IMAGE_IMPORT_FAILED",
      `ctr could not import ${archive} into containerd: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
