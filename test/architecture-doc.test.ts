import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC = "docs/architecture.md";
const TOP_FOLDERS = [
  "orchestrator/",
  "workspace-ui/",
  "infra/",
  "images/",
  "policies/",
  "catalogue/",
  "scripts/",
  "test/",
  "e2e/",
  "docs/",
];

/**
 * The repository paths the architecture document names in code spans: `src/…` is short for
 * `orchestrator/src/…`, a `#heading` is dropped; placeholders (`<name>`) and globs stand for many files and
 * are left out.
 */
function pathsNamedIn(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  return [
    ...new Set(
      spans
        .map((span) => span.split("#", 1)[0]!)
        .map((span) => (span.startsWith("src/") ? `orchestrator/${span}` : span))
        .filter((path) => TOP_FOLDERS.some((top) => path.startsWith(top)) && !/[<*]/.test(path)),
    ),
  ];
}

/** The headings' anchors as GitHub makes them: lower case, spaces to hyphens, punctuation dropped. */
const anchorsOf = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/^#+ (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, "")
        .replace(/ /g, "-"),
    ),
  );

/** Every source file of the repository's own code, where comments may cite the document. */
function sourceFiles(): string[] {
  return TOP_FOLDERS.filter((top) => top !== "docs/").flatMap((top) =>
    readdirSync(`${ROOT}${top}`, { recursive: true, encoding: "utf8" })
      .filter((path) => /\.(ts|tsx|js|yaml|sh|py)$/.test(path) && !path.split("/").includes("node_modules"))
      .map((path) => `${top}${path}`),
  );
}

describe("docs/architecture.md", () => {
  const markdown = readFileSync(`${ROOT}${DOC}`, "utf8");
  const anchors = anchorsOf(markdown);

  it("names only files and folders that exist, so that moving code means updating the map", () => {
    const paths = pathsNamedIn(markdown);
    expect(paths.length).toBeGreaterThan(50);
    expect(
      paths.filter((path) => !existsSync(`${ROOT}${path}`)),
      "moved or removed: update docs/architecture.md",
    ).toEqual([]);
  });

  it("links only to its own headings", () => {
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it("has every section that a comment in the code cites", () => {
    const cited = sourceFiles().flatMap((path) =>
      [...readFileSync(`${ROOT}${path}`, "utf8").matchAll(/docs\/architecture\.md#([a-z0-9-]+)/g)].map(
        (m) => `${path}: #${m[1]!}`,
      ),
    );
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((citation) => !anchors.has(citation.slice(citation.indexOf("#") + 1)))).toEqual([]);
  });

  it("is what comments cite, not a design brief or reference notes the repository does not hold", () => {
    const outside = /\bDESIGN(\.md)?\s*§|\bDESIGN\.md\b|\bCONVENTIONS(\.md)?\b|shared\/reference|output-checking\.md/;
    const citing = sourceFiles().flatMap((path) =>
      readFileSync(`${ROOT}${path}`, "utf8")
        .split("\n")
        .flatMap((line, i) => (outside.test(line) ? [`${path}:${i + 1}`] : [])),
    );
    expect(citing, "cite docs/architecture.md#<section>, or say the reason in place").toEqual([]);
  });
});
