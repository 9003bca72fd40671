import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { binaryCacheDir, runGoBuild, withBuildLock, type Progress } from "../local-cluster/binaries";
import { LocalClusterError } from "../local-cluster/errors";
import { LocalPulumiError } from "./errors";

/** The CLI the Automation API of `@pulumi/pulumi` in the lockfile asks for (it refuses an older one). */
export const PULUMI_VERSION = "3.248.0";
/**
 * The Kubernetes provider, labelled as the version `@pulumi/kubernetes` asks for. The Go module proxy serves the
 * provider's module only at one pseudo-version (go/kubernetes/go.mod), a commit of the 4.24 era: the program uses
 * no resource or option newer than that, and the real-engine test holds it so.
 */
export const PULUMI_KUBERNETES_VERSION = "4.34.2";
const PROVIDER_MODULE = "github.com/pulumi/pulumi-kubernetes/provider/v4";
/** The CLI's module asks for Go 1.25. */
const MIN_GO_MINOR = 25;

export interface PulumiBinaries {
  /** The `pulumi` CLI the Automation API drives: `PulumiCommand.get({ root })` runs `<root>/bin/pulumi`. */
  root: string;
  /** `<root>/bin`, which also holds `pulumi-resource-kubernetes`: put it on PATH and the engine uses it. */
  bin: string;
}

const goModules = fileURLToPath(new URL("./go/", import.meta.url));

/** Beside the control plane's cache (outside the repo, shared by every checkout on the machine). */
export function pulumiCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(
    dirname(dirname(binaryCacheDir(env))),
    "pulumi",
    `v${PULUMI_VERSION}-kubernetes-v${PULUMI_KUBERNETES_VERSION}`,
  );
}

function goMinorVersion(env: NodeJS.ProcessEnv): number | undefined {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env });
  if (result.error || result.status !== 0) return undefined;
  const match = /^go1\.(\d+)/.exec(result.stdout.trim());
  return match ? Number(match[1]) : 0;
}

/** The built binaries if they are in the cache, else undefined (the real-engine test skips then). */
export function findPulumiBinaries(env: NodeJS.ProcessEnv = process.env): PulumiBinaries | undefined {
  const root = pulumiCacheDir(env);
  const bin = join(root, "bin");
  return existsSync(join(bin, "pulumi")) && existsSync(join(bin, "pulumi-resource-kubernetes"))
    ? { root, bin }
    : undefined;
}

/** A binary built for other npm packages than the installed ones would be tested instead of them: refuse. */
function checkNpmVersions(): void {
  const require = createRequire(import.meta.url);
  const installed = (name: string) =>
    (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  for (const [name, wanted] of [
    ["@pulumi/pulumi", PULUMI_VERSION],
    ["@pulumi/kubernetes", PULUMI_KUBERNETES_VERSION],
  ] as const) {
    const version = installed(name);
    if (version !== wanted)
      throw new LocalPulumiError(
        "PULUMI_VERSION_MISMATCH",
        `${name} ${version} is installed but infra/local-pulumi builds the engine for ${wanted}: update the version in infra/local-pulumi/binaries.ts and the wrapper module in infra/local-pulumi/go/.`,
      );
  }
}

function go(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync("go", args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new LocalPulumiError("PULUMI_BUILD_FAILED", `go ${args.join(" ")} failed:\n${result.stderr.slice(-3000)}`);
  return result.stdout;
}

/**
 * The provider's command embeds a schema and a Terraform mapping its release build generates; the module ships
 * their sources. Writes them minified beside the wrapper's main.go, the schema carrying the version, as the
 * provider's own generator does.
 */
function writeProviderEmbeds(moduleDir: string, env: NodeJS.ProcessEnv): void {
  const { Dir } = JSON.parse(go(["mod", "download", "-json", PROVIDER_MODULE], moduleDir, env)) as { Dir: string };
  const source = join(Dir, "cmd", "pulumi-resource-kubernetes");
  const schema = JSON.parse(readFileSync(join(source, "schema.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(
    join(moduleDir, "schema-embed.json"),
    JSON.stringify({ ...schema, version: PULUMI_KUBERNETES_VERSION }),
  );
  const mapping: unknown = JSON.parse(readFileSync(join(source, "terraform-mapping.json"), "utf8"));
  writeFileSync(join(moduleDir, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

/** Removes a build's staging folder; its module cache is read-only, so go itself removes that first. */
function rmStaging(staging: string, env: NodeJS.ProcessEnv): void {
  spawnSync("go", ["clean", "-modcache"], {
    env: { ...env, GOMODCACHE: join(staging, "gomod"), GOTOOLCHAIN: "local" },
    stdio: "ignore",
  });
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Returns the Pulumi CLI and the Kubernetes provider from the cache, building them from the Go module proxy
 * first if they are not there yet (about ten minutes on two cores, once per machine). The Go module and build
 * caches of the build are its own and are removed afterwards: several gigabytes no one uses again.
 */
export async function ensurePulumiBinaries(
  progress: Progress = (l) => console.error(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<PulumiBinaries> {
  const dir = pulumiCacheDir(env);
  const found = findPulumiBinaries(env);
  if (found) return found;
  checkNpmVersions();
  const goMinor = goMinorVersion(env);
  if (goMinor === undefined || goMinor < MIN_GO_MINOR)
    throw new LocalPulumiError(
      "PULUMI_NO_TOOLCHAIN",
      `${goMinor === undefined ? "Go is not installed" : `Go 1.${goMinor} is too old`}, so the Pulumi CLI ${PULUMI_VERSION} and its Kubernetes provider cannot be built. ` +
        `Install Go 1.${MIN_GO_MINOR} or newer (they build once, into ${dir}).`,
    );
  mkdirSync(dir, { recursive: true });
  return withBuildLock(dir, progress, async () => {
    const again = findPulumiBinaries(env);
    if (again) return again;
    // Under the lock every staging folder is a stopped build's: its Go caches are gigabytes.
    for (const stale of readdirSync(dir).filter((f) => f.startsWith(".staging-"))) rmStaging(join(dir, stale), env);
    const staging = join(dir, `.staging-${process.pid}`);
    mkdirSync(staging, { recursive: true });
    const goEnv = {
      ...env,
      GOMODCACHE: join(staging, "gomod"),
      GOCACHE: join(staging, "gocache"),
      GOTOOLCHAIN: "local",
      GOFLAGS: "-mod=readonly",
    };
    progress(
      `Building the Pulumi CLI ${PULUMI_VERSION} and its Kubernetes provider ${PULUMI_KUBERNETES_VERSION} into ${dir}. This happens once and takes about ten minutes.`,
    );
    try {
      // The wrapper modules are built from copies, so that a checkout changing under a build cannot break it.
      const cliModule = join(staging, "cli");
      cpSync(join(goModules, "cli"), cliModule, { recursive: true });
      await runGoBuild(
        {
          moduleDir: cliModule,
          out: join(staging, "pulumi"),
          packages: ["github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
          // The Automation API reads the CLI's version and refuses one older than it needs.
          ldflags: `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}`,
          label: `the Pulumi CLI ${PULUMI_VERSION}`,
          logFile: join(dir, "build-cli.log"),
        },
        goEnv,
        progress,
      );
      const providerModule = join(staging, "kubernetes");
      cpSync(join(goModules, "kubernetes"), providerModule, { recursive: true });
      writeProviderEmbeds(providerModule, goEnv);
      await runGoBuild(
        {
          moduleDir: providerModule,
          out: join(staging, "pulumi-resource-kubernetes"),
          packages: ["."],
          ldflags: `-s -w -X ${PROVIDER_MODULE}/pkg/version.Version=${PULUMI_KUBERNETES_VERSION}`,
          label: `the Pulumi Kubernetes provider ${PULUMI_KUBERNETES_VERSION}`,
          logFile: join(dir, "build-kubernetes.log"),
        },
        goEnv,
        progress,
      );
      mkdirSync(join(dir, "bin"), { recursive: true });
      renameSync(join(staging, "pulumi-resource-kubernetes"), join(dir, "bin", "pulumi-resource-kubernetes"));
      renameSync(join(staging, "pulumi"), join(dir, "bin", "pulumi"));
    } catch (err) {
      throw err instanceof LocalClusterError
        ? new LocalPulumiError("PULUMI_BUILD_FAILED", err.message, { cause: err })
        : err;
    } finally {
      rmStaging(staging, env);
    }
    return { root: dir, bin: join(dir, "bin") };
  });
}
