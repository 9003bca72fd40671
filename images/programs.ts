/**
 * The Node programs that go into images: each is bundled into one ES module, so an image carries Node and
 * that file, and no dev dependency, no npm and no TypeScript at run time.
 */
export interface Program {
  /** The entry point, relative to the repository root. */
  entry: string;
  /** The bundle's file name under `bin/` of the output folder. */
  bundle: string;
  /**
   * Packages left out of the bundle and copied whole, with what they depend on, into `node_modules/`:
   * native addons (DuckDB's `.node` and shared library, sharp's libvips) and packages that load files next to their own
   * modules (PGlite's WebAssembly). Nothing else needs a `node_modules` at run time.
   */
  external: string[];
  /** Packages whose files are served, never run: copied alone, without what they depend on. */
  servedPackages: string[];
  /** Folders of data files the program reads, relative to the repository root, copied to the same place. */
  assets: string[];
}

export const PROGRAMS = {
  orchestrator: {
    entry: "orchestrator/src/main.ts",
    bundle: "orchestrator.mjs",
    external: ["@duckdb/node-api", "@electric-sql/pglite", "sharp"],
    // The developer portal serves two of its files, found by require.resolve (its telemetry dependency stays out).
    servedPackages: ["swagger-ui-dist"],
    // The development HDAB's key (orchestrator/dev/) stays out: the image runs with NODE_ENV=production.
    assets: ["orchestrator/migrations", "catalogue", "policies/sdc", "docs", "workspace-ui/dist"],
  },
  "airlock-agent": {
    entry: "orchestrator/src/outputs/airlock-agent/main.ts",
    bundle: "airlock-agent.mjs",
    external: [],
    servedPackages: [],
    assets: [],
  },
  "data-loader": {
    entry: "orchestrator/src/deliveries/data-loader/main.ts",
    bundle: "data-loader.mjs",
    external: [],
    servedPackages: [],
    assets: [],
  },
  // The workspace's `spe`: only the commands a researcher has use for inside an environment.
  "spe-workspace": {
    entry: "images/workspace/spe-cli.ts",
    bundle: "spe.mjs",
    // sharp (its addon and libvips): the output check re-encodes images as the airlock does.
    external: ["sharp"],
    servedPackages: [],
    assets: ["policies/sdc"],
  },
} satisfies Record<string, Program>;

export type ProgramName = keyof typeof PROGRAMS;

export const isProgramName = (name: string): name is ProgramName => Object.hasOwn(PROGRAMS, name);
