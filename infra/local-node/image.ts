import { createHash } from "node:crypto";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runToCompletion } from "../local-cluster/processes";
import { LocalNodeError } from "./errors";

/** One image of the local node: a name under the SPE registry and how the probe binary starts in it. */
export interface ProbeImage {
  name: string;
  entrypoint: string[];
}

/** Where the probe binary sits in every image. */
const PROBE_PATH = "probe";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function writeBlob(layout: string, data: Buffer | string): { digest: string; size: number } {
  const hex = sha256(data);
  writeFileSync(join(layout, "blobs", "sha256", hex), data);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

/** Builds an OCI image archive holding the probe binary and nothing else, one manifest per image name. */
export function buildProbeArchive(probeBinary: string, images: ProbeImage[], outFile: string): void {
  withRootfs((rootfs) => copyFileSync(probeBinary, join(rootfs, PROBE_PATH)), images.map((i) => ({ ...i, entrypoint: i.entrypoint.map((a, n) => (n === 0 ? `/${PROBE_PATH}` : a)) })), outFile);
}

/**
 * Builds an image of a bundled Node program (images/bundle-program.ts output, copied to /app) with this
 * host's own `node` and the shared libraries it loads: the images' distroless base cannot be pulled here.
 */
export function buildNodeProgramArchive(bundleDir: string, bundleFile: string, name: string, outFile: string): void {
  const node = realpathSync(runToCompletion("sh", ["-c", "command -v node"]).trim());
  withRootfs(
    (rootfs) => {
      const put = (from: string, to: string) => {
        mkdirSync(dirname(join(rootfs, to)), { recursive: true });
        copyFileSync(from, join(rootfs, to));
      };
      put(node, "/usr/bin/node");
      for (const line of runToCompletion("ldd", [node]).split("\n")) {
        const library = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
        if (library) put(realpathSync(library), library);
      }
      cpSync(bundleDir, join(rootfs, "app"), { recursive: true });
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
function withRootfs(fill: (rootfs: string) => void, images: ProbeImage[], outFile: string): void {
  const work = mkdtempSync(join(tmpdir(), "spe-image-"));
  try {
    const layout = join(work, "layout");
    mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
    const rootfs = join(work, "rootfs");
    mkdirSync(rootfs);
    fill(rootfs);
    const layerFile = join(work, "layer.tar");
    runToCompletion("tar", ["--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--sort=name", "--mode=go-w", "-C", rootfs, "-cf", layerFile, "."]);
    const layer = writeBlob(layout, readFileSync(layerFile));

    const manifests = images.map((image) => {
      const config = writeBlob(
        layout,
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          // A numeric user: Pod Security restricted and runAsNonRoot need no /etc/passwd to check it.
          config: { Entrypoint: image.entrypoint, User: "65532:65532", WorkingDir: "/" },
          rootfs: { type: "layers", diff_ids: [layer.digest] },
        }),
      );
      const manifest = writeBlob(
        layout,
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
        }),
      );
      return {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        ...manifest,
        platform: { architecture: "amd64", os: "linux" },
        annotations: { "io.containerd.image.name": image.name, "org.opencontainers.image.ref.name": image.name.split(":").at(-1) },
      };
    });
    writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
    runToCompletion("tar", ["--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", layout, "-cf", outFile, "oci-layout", "index.json", "blobs"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Imports an archive into containerd's `k8s.io` namespace, where the kubelet's CRI looks for images. */
export function importImages(containerdSocket: string, archive: string): void {
  try {
    runToCompletion("ctr", ["--address", containerdSocket, "--namespace", "k8s.io", "images", "import", "--snapshotter", "overlayfs", archive]);
  } catch (err) {
    throw new LocalNodeError("NODE_IMAGE_IMPORT_FAILED", `ctr could not import ${archive} into containerd: ${(err as Error).message}`, { cause: err });
  }
}
