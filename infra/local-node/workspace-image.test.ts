// Finding the workspace image scripts/build-images.sh built, and the name it carries in its OCI archive
// (archives made here with GNU tar, laid out as `buildah push … oci-archive:<file>:<name>` writes them).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { archiveImageName, builtWorkspaceArchive, WORKSPACE_ARCHIVE } from "./workspace-image";

const work = mkdtempSync(join(tmpdir(), "spe-workspace-image-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An OCI archive whose index names its one manifest `refName` (or nothing). */
function archive(file: string, refName: string | undefined): string {
  const layout = mkdtempSync(join(work, "layout-"));
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const manifest = {
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: `sha256:${"0".repeat(64)}`,
    size: 2,
    ...(refName ? { annotations: { "org.opencontainers.image.ref.name": refName } } : {}),
  };
  writeFileSync(join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
  const out = join(work, file);
  execFileSync("tar", ["-C", layout, "-cf", out, "oci-layout", "blobs", "index.json"]);
  return out;
}

describe("builtWorkspaceArchive", () => {
  it("finds the archive in the build script's cache, and nothing where none was built", () => {
    const cache = join(work, "cache");
    mkdirSync(cache);
    expect(builtWorkspaceArchive({ SPE_IMAGE_CACHE: cache })).toBeUndefined();
    writeFileSync(join(cache, WORKSPACE_ARCHIVE), "");
    expect(builtWorkspaceArchive({ SPE_IMAGE_CACHE: cache })).toBe(join(cache, WORKSPACE_ARCHIVE));
    // Without SPE_IMAGE_CACHE, the script's default: spe-images under the XDG cache folder.
    expect(builtWorkspaceArchive({ XDG_CACHE_HOME: work })).toBeUndefined();
    mkdirSync(join(work, "spe-images"));
    writeFileSync(join(work, "spe-images", WORKSPACE_ARCHIVE), "");
    expect(builtWorkspaceArchive({ XDG_CACHE_HOME: work })).toBe(join(work, "spe-images", WORKSPACE_ARCHIVE));
  });
});

describe("archiveImageName", () => {
  it("reads the full name buildah gave the image", async () => {
    expect(await archiveImageName(archive("named.tar", "localhost/spe/workspace:dev"))).toBe(
      "localhost/spe/workspace:dev",
    );
  });

  it.each([
    ["a bare tag, which ctr would prefix with a made-up name", "dev"],
    ["no name at all", undefined],
  ])("refuses an archive with %s, saying how to write one", async (_case, refName) => {
    const file = archive(`bad-${refName ?? "none"}.tar`, refName);
    await expect(archiveImageName(file)).rejects.toThrow(
      expect.objectContaining({
        code: "NODE_IMAGE_IMPORT_FAILED",
        message: expect.stringContaining("oci-archive:<file>:<name>"),
      }),
    );
  });
});
