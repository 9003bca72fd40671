import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureBinaries } from "./binaries";
import { startLocalCluster } from "./cluster";
import { LocalClusterError } from "./errors";

const temporary: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "spe-failure-test-"));
  temporary.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<LocalClusterError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LocalClusterError);
  return err as LocalClusterError;
}

describe("local cluster failures", () => {
  it("without Go and without KUBEBUILDER_ASSETS names both ways out", async () => {
    const err = await refusal(ensureBinaries(() => {}, { PATH: tempDir(), SPE_CACHE_DIR: tempDir() }));
    expect(err.code).toBe("CLUSTER_NO_TOOLCHAIN");
    expect(err.message).toMatch(/Go is not installed/);
    expect(err.message).toMatch(/install Go 1\.24 or newer/);
    expect(err.message).toMatch(/set KUBEBUILDER_ASSETS/);
  });

  it("refuses a KUBEBUILDER_ASSETS folder without the binaries and builds nothing", async () => {
    const assets = tempDir();
    const err = await refusal(ensureBinaries(() => {}, { KUBEBUILDER_ASSETS: assets }));
    expect(err.code).toBe("CLUSTER_BINARIES_MISSING");
    expect(err.message).toContain(assets);
  });

  it("reports an API server that dies with its log path and leaves nothing running", async () => {
    const binaries = await ensureBinaries(() => {});
    const dir = tempDir();
    const err = await refusal(
      startLocalCluster({ dir, binaries: { ...binaries, kubeApiserver: "/bin/false" }, readyTimeoutMs: 10_000 }),
    );
    expect(err.code).toBe("CLUSTER_START_FAILED");
    expect(err.message).toContain(join(dir, "kube-apiserver.log"));
    // etcd was started first; it must be gone too.
    const left = spawnSync("pgrep", ["-f", dir], { encoding: "utf8" }).stdout.trim();
    expect(left).toBe("");
  });
});
