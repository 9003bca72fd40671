import { z } from "zod";
import { isInstallableFile } from "./package-names";

/** One distribution file of a project as the upstream index lists it. */
export interface UpstreamFile {
  filename: string;
  url: string;
  /** SHA-256 (hex) the upstream index states: the file is served only if its bytes hash to it. */
  sha256: string;
  requiresPython?: string;
  /** True, or the reason, when the release was yanked: pip then takes it only when pinned exactly. */
  yanked?: true | string;
}

// PEP 691's JSON form of a project page: what pip itself reads from PyPI.
const projectPage = z.object({
  files: z.array(
    z.object({
      filename: z.string(),
      url: z.string(),
      hashes: z.record(z.string(), z.string()),
      "requires-python": z.string().nullish(),
      yanked: z.union([z.boolean(), z.string()]).optional(),
    }),
  ),
});

export interface PypiUpstream {
  /** The project's installable files, or undefined when the index has no such project. */
  projectFiles(normalizedName: string): Promise<UpstreamFile[] | undefined>;
  /** Opens one file the index listed; the caller checks its hash. */
  openFile(file: UpstreamFile): Promise<Response>;
}

/**
 * The only way the mirror reaches the upstream index: every request it ever sends goes through `fetch` here,
 * and only for a name the allowlist already holds (the caller's duty, which the tests hold it to by counting
 * what passes here).
 */
export function pypiUpstream(indexUrl: string, fetchImpl: typeof fetch = fetch): PypiUpstream {
  const base = indexUrl.endsWith("/") ? indexUrl : `${indexUrl}/`;
  return {
    async projectFiles(normalizedName) {
      const res = await fetchImpl(new URL(`${encodeURIComponent(normalizedName)}/`, base), {
        headers: { accept: "application/vnd.pypi.simple.v1+json" },
        redirect: "error",
        signal: AbortSignal.timeout(30_000),
      });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`The upstream index answered ${res.status} for ${normalizedName}`);
      const page = projectPage.parse(await res.json());
      const files: UpstreamFile[] = [];
      for (const f of page.files) {
        const sha256 = f.hashes.sha256;
        const url = new URL(f.url, base);
        // A file without a SHA-256 cannot be verified, and one on another scheme is not fetched: neither is offered.
        if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !isInstallableFile(f.filename)) continue;
        if (url.protocol !== "https:" && url.protocol !== new URL(base).protocol) continue;
        files.push({
          filename: f.filename,
          url: url.href,
          sha256,
          ...(f["requires-python"] ? { requiresPython: f["requires-python"] } : {}),
          ...(f.yanked ? { yanked: f.yanked === true ? true : f.yanked } : {}),
        });
      }
      return files;
    },
    openFile(file) {
      return fetchImpl(file.url, { redirect: "follow", signal: AbortSignal.timeout(10 * 60_000) });
    },
  };
}
