import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { binaryCacheDir, runGoBuild, withBuildLock, type Progress } from "../local-cluster/binaries";
import { LocalClusterError } from "../local-cluster/errors";
import { LocalS3Error } from "./errors";

/** Versity's S3 gateway over a POSIX folder, from the Go module proxy (go/go.mod pins it and every dependency). */
export const VERSITYGW_VERSION = "v1.8.0";
/** versitygw v1.8.0's go.mod asks for Go 1.25. */
const MIN_GO_MINOR = 25;

const goModule = fileURLToPath(new URL("./go/", import.meta.url));

/** Beside the control plane's cache (outside the repo, shared by every checkout on the machine). */
export function s3CacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(dirname(binaryCacheDir(env))), "s3", `versitygw-${VERSITYGW_VERSION}`);
}

function goMinorVersion(env: NodeJS.ProcessEnv): number | undefined {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env });
  if (result.error || result.status !== 0) return undefined;
  const match = /^go1\.(\d+)/.exec(result.stdout.trim());
  return match ? Number(match[1]) : 0;
}

/**
 * The versitygw binary: VERSITYGW_BIN when set, else from the cache, building it from the Go module proxy
 * first if it is not there yet (about four minutes on two cores, once per machine), with progress lines.
 */
export async function ensureVersitygw(
  progress: Progress = (l) => console.error(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (env.VERSITYGW_BIN) {
    if (!existsSync(env.VERSITYGW_BIN))
      throw new LocalS3Error(
        "S3_NO_TOOLCHAIN",
        `VERSITYGW_BIN=${env.VERSITYGW_BIN} does not exist. Point it at a versitygw binary or unset it to build one with Go.`,
      );
    return env.VERSITYGW_BIN;
  }
  const dir = s3CacheDir(env);
  const binary = join(dir, "versitygw");
  if (existsSync(binary)) return binary;
  const goMinor = goMinorVersion(env);
  if (goMinor === undefined || goMinor < MIN_GO_MINOR)
    throw new LocalS3Error(
      "S3_NO_TOOLCHAIN",
      `${goMinor === undefined ? "Go is not installed" : `Go 1.${goMinor} is too old`}, so the local S3-compatible server (versitygw ${VERSITYGW_VERSION}) cannot be built. ` +
        `Install Go 1.${MIN_GO_MINOR} or newer (it builds once, into ${dir}), or set VERSITYGW_BIN to a versitygw binary.`,
    );
  mkdirSync(dir, { recursive: true });
  return withBuildLock(dir, progress, async () => {
    if (existsSync(binary)) return binary;
    const staging = join(dir, `.staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    progress(
      `Building the local S3-compatible server (versitygw ${VERSITYGW_VERSION}) into ${dir}. This happens once and takes a few minutes.`,
    );
    try {
      const build = {
        moduleDir: goModule,
        out: join(staging, "versitygw"),
        packages: ["github.com/versity/versitygw/cmd/versitygw"],
        ldflags: "-s -w",
      };
      await runGoBuild(
        { ...build, label: `versitygw ${VERSITYGW_VERSION}`, logFile: join(dir, "build.log") },
        env,
        progress,
      ).catch((err: unknown) => {
        throw err instanceof LocalClusterError ? new LocalS3Error("S3_BUILD_FAILED", err.message, { cause: err }) : err;
      });
      renameSync(join(staging, "versitygw"), binary);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return binary;
  });
}
