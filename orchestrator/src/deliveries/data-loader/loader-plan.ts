import { z } from "zod";
import { datasetFolder, isSafeStagedPath } from "./staged-file-path";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in lower-case hex");
const plain = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$/, "letters, digits, '.', '_' or '-'");

/** SPE_STAGED as the reconciler writes it into the loader Job (see dataLoaderJob): what to load, with hashes. */
export const stagedForLoader = z.array(
  z.object({
    datasetId: plain,
    version: plain,
    deliveryId: z.uuid(),
    manifestSha256: sha256,
    files: z
      .array(
        z.object({
          path: z.string().refine(isSafeStagedPath, "a plain relative path"),
          sha256,
          capability: z.string().min(1).optional(),
        }),
      )
      .min(1),
  }),
);
export type StagedForLoader = z.infer<typeof stagedForLoader>;

export const loaderEnvironment = z.object({
  SPE_PERMIT_ID: z.string().min(1),
  /** The staging endpoint for this environment: `<orchestrator>/staging/<namespace>`. */
  SPE_STAGING_URL: z.url({ protocol: /^https?$/ }),
  SPE_STAGED: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "is not JSON" });
        return z.NEVER;
      }
    })
    .pipe(stagedForLoader),
  /** The data volume; a folder of its own in tests. */
  SPE_DATA_DIR: z.string().min(1).default("/data"),
  /** The pod's projected token for the staging endpoint (the kubelet keeps it fresh): proof of being the loader. */
  SPE_STAGING_TOKEN_FILE: z.string().min(1).optional(),
  /** How long one run keeps trying a file while the orchestrator answers "not now" or not at all. */
  SPE_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
});
export type LoaderEnvironment = z.infer<typeof loaderEnvironment>;

/** One file to be in the data volume: where it comes from, where it goes, what it must hash to. */
export interface PlannedFile {
  url: string;
  capability?: string;
  /** Relative to the data volume: `<dataset>@<version>/<path>`. */
  target: string;
  sha256: string;
}

/** The header that carries the loader pod's token to the staging endpoint (the capability is the bearer). */
export const LOADER_TOKEN_HEADER = "spe-loader-token";

/** Fixed names in the data volume that are not a dataset's. */
export const MANIFEST_FILE = "MANIFEST.json";
/** Downloads in progress, on the data volume itself so that the final rename is atomic. */
export const PARTIAL_DIR = ".loading";

/** What the data volume must hold once loading is done. Pure: the same staged list gives the same plan. */
export function planLoad({
  SPE_STAGING_URL,
  SPE_STAGED,
}: Pick<LoaderEnvironment, "SPE_STAGING_URL" | "SPE_STAGED">): PlannedFile[] {
  const base = SPE_STAGING_URL.replace(/\/+$/, "");
  const planned = SPE_STAGED.flatMap((d) =>
    d.files.map((f) => ({
      url: `${base}/${d.deliveryId}/${f.path.split("/").map(encodeURIComponent).join("/")}`,
      capability: f.capability,
      target: `${datasetFolder(d.datasetId, d.version)}/${f.path}`,
      sha256: f.sha256,
    })),
  );
  const targets = new Set(planned.map((p) => p.target));
  if (targets.size !== planned.length) throw new Error("SPE_STAGED names one file twice.");
  return planned;
}

/** `/data/MANIFEST.json`: what was loaded, by hash, for the researcher and for anyone checking the volume. No time in it, so reloading the same data writes the same bytes. */
export function dataManifest(
  env: Pick<LoaderEnvironment, "SPE_PERMIT_ID" | "SPE_STAGED">,
  bytesOf: (target: string) => number,
) {
  return {
    manifestVersion: 1,
    permitId: env.SPE_PERMIT_ID,
    datasets: env.SPE_STAGED.map((d) => ({
      id: d.datasetId,
      version: d.version,
      deliveryId: d.deliveryId,
      manifestSha256: d.manifestSha256,
      files: d.files.map((f) => {
        const path = `${datasetFolder(d.datasetId, d.version)}/${f.path}`;
        return { path, sha256: f.sha256, bytes: bytesOf(path) };
      }),
    })),
  };
}
