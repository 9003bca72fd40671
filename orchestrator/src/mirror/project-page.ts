import { escapeHtml } from "../html";
import type { UpstreamFile } from "./pypi-upstream";

/**
 * A project's page in PyPI's simple HTML form (PEP 503), every link to this mirror's own file route and carrying
 * the upstream SHA-256, so that pip checks each download itself too. No link ever points upstream: the
 * workspace reaches nothing but the mirror.
 */
export function projectPage(project: string, files: UpstreamFile[]): string {
  const links = files.map((f) => {
    const href = `../../files/${encodeURIComponent(project)}/${encodeURIComponent(f.filename)}#sha256=${f.sha256}`;
    const python = f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : "";
    const yanked = f.yanked ? ` data-yanked="${f.yanked === true ? "" : escapeHtml(f.yanked)}"` : "";
    return `<a href="${escapeHtml(href)}"${python}${yanked}>${escapeHtml(f.filename)}</a><br>`;
  });
  return page(`Links for ${project}`, links.join("\n"));
}

/** The root page: the projects on the allowlist (pip never reads it; people and tools browsing do). */
export function indexPage(names: string[]): string {
  return page(
    "Allowlisted projects",
    names.map((n) => `<a href="${encodeURIComponent(n)}/">${escapeHtml(n)}</a><br>`).join("\n"),
  );
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"><title>${escapeHtml(title)}</title></head>` +
  `<body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`;
