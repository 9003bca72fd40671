/**
 * What the gateway does with a request into a workspace, by JupyterLab's routes: files leave an environment
 * only through the airlock, so the routes that exist to carry files out of the workspace — the raw download,
 * the export and the page that frames a raw file — are refused.
 *
 * Not more: the contents API, which the Lab uses to open and save notebooks and text files, carries whatever
 * a notebook or a text holds, and so do terminal and kernel sockets. Refusing base64 there (an earlier
 * version did) broke image viewing and uploads, cost the gateway whole bodies in memory, and stopped no one
 * who could put the same bytes in a notebook. What a researcher can see, they can copy; the gateway takes
 * away the ready-made routes and records each attempt.
 */
export type WorkspaceRoute = { kind: "pass" } | { kind: "blocked"; route: BlockedRoute };

export type BlockedRoute = "files" | "nbconvert" | "view";

/** Raw downloads (`files/…`, with `?download=1` or not), exports (`nbconvert/…`) and the page that frames a raw file (`view/…`). */
const BLOCKED_FIRST_SEGMENTS = new Set<string>(["files", "nbconvert", "view"]);

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The route of a request to a workspace host (its path from the host's root). Judged on the decoded path with empty and `.`
 * segments dropped and without regard to case, so that no spelling the workspace might still route the same
 * way (`%66iles`, `//files`, `./files`) slips past.
 */
export function workspaceRoute(url: string): WorkspaceRoute {
  const path = url.split("?", 1)[0]!;
  const [first = ""] = decoded(path)
    .split(/[/\\]+/)
    .filter((s) => s !== "" && s !== ".")
    .map((s) => s.toLowerCase());
  return BLOCKED_FIRST_SEGMENTS.has(first) ? { kind: "blocked", route: first as BlockedRoute } : { kind: "pass" };
}
