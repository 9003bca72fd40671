// `node --import tsx images/bundle-program.ts PROGRAM OUT_DIR [--root DIR]`: bundles one program of
// images/programs.ts into OUT_DIR/bin/, with its external packages in OUT_DIR/node_modules/ and its data
// folders where the repository has them, so that OUT_DIR copied to DIR in an image runs as it does here.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, type Loader, type Plugin } from "esbuild";
import { isProgramName, PROGRAMS, type Program } from "./programs";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/**
 * Our modules find their data files with `new URL("../../catalogue/", import.meta.url)`. In one bundle
 * every module would share the bundle's URL, and those relative paths would point elsewhere; so each of our
 * modules gets the URL it would have under `root` with the repository's layout, where the assets are copied.
 */
function repositoryImportMetaUrl(root: string): Plugin {
  return {
    name: "repository-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const path = relative(repoRoot, args.path);
        if (path.startsWith("..") || path.split(sep).includes("node_modules")) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const url = JSON.stringify(pathToFileURL(join(root, path)).href);
        return { contents: source.replaceAll("import.meta.url", url), loader: extname(args.path).slice(1) as Loader };
      });
    },
  };
}

/** Where Node would find `name` from `fromDir`: its own node_modules first, then each parent's. */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === dirname(dir) || relative(repoRoot, dir).startsWith("..")) return undefined;
  }
}

/** Copies a package and every dependency it has installed (optional ones only where present, e.g. one platform's addon). */
function copyPackageClosure(name: string, fromDir: string, outDir: string, copied: Set<string>): void {
  const dir = packageDir(name, fromDir);
  if (!dir) throw new Error(`Package ${name} is not installed (run npm ci first).`);
  if (copied.has(dir)) return;
  copied.add(dir);
  cpSync(dir, join(outDir, "node_modules", relative(join(repoRoot, "node_modules"), dir)), {
    recursive: true,
    dereference: true,
  });
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) copyPackageClosure(dep, dir, outDir, copied);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {}))
    if (packageDir(dep, dir)) copyPackageClosure(dep, dir, outDir, copied);
}

export async function bundleProgram(program: Program, outDir: string, root: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: [join(repoRoot, program.entry)],
    outfile: join(outDir, "bin", program.bundle),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: [...program.external, ...program.servedPackages],
    plugins: [repositoryImportMetaUrl(root)],
    // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
    banner: {
      js: 'import { createRequire as __speCreateRequire } from "node:module"; const require = __speCreateRequire(import.meta.url);',
    },
    legalComments: "linked",
    logLevel: "warning",
  });
  const copied = new Set<string>();
  for (const name of program.external) copyPackageClosure(name, repoRoot, outDir, copied);
  for (const name of program.servedPackages) {
    const dir = packageDir(name, repoRoot);
    if (!dir) throw new Error(`Package ${name} is not installed (run npm ci first).`);
    cpSync(dir, join(outDir, "node_modules", name), { recursive: true, dereference: true });
  }
  for (const asset of program.assets) {
    if (!existsSync(join(repoRoot, asset)))
      throw new Error(`${asset} is missing: it must exist before bundling (e.g. npm run build -w workspace-ui).`);
    mkdirSync(dirname(join(outDir, asset)), { recursive: true });
    cpSync(join(repoRoot, asset), join(outDir, asset), { recursive: true });
  }
}

async function cli(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { root: { type: "string", default: "/app" } },
  });
  const [name, outDir] = positionals;
  if (!name || !outDir || !isProgramName(name) || positionals.length !== 2) {
    console.error(
      `Usage: bundle-program.ts PROGRAM OUT_DIR [--root DIR], PROGRAM one of ${Object.keys(PROGRAMS).join(", ")}.`,
    );
    return 2;
  }
  await bundleProgram(PROGRAMS[name], outDir, values.root);
  console.error(`Bundled ${name} into ${outDir} for ${values.root}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await cli();
