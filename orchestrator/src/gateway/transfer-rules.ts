import { WORKSPACE_TOOLS, type WorkspaceTool } from "../tools/tool-registry";

/**
 * What the gateway does with a request into a workspace, by its tool's routes (tools/tool-registry.ts): files
 * leave an environment only through the airlock, so the routes that exist to carry files out of the workspace
 * — JupyterLab's raw download, export and the page that frames a raw file; code-server's routes that read a
 * file by path — are refused.
 *
 * Not more: JupyterLab's contents API, which the Lab uses to open and save notebooks and text files, carries
 * whatever a notebook or a text holds, and so do terminal and kernel sockets, and code-server's one WebSocket
 * carries everything its editor does. Refusing base64 there (an earlier version did) broke image viewing and
 * uploads, cost the gateway whole bodies in memory, and stopped no one who could put the same bytes in a
 * notebook. What a researcher can see, they can copy; the gateway takes away the ready-made routes and
 * records each attempt.
 */
export type WorkspaceRoute = { kind: "pass" } | { kind: "blocked"; route: string };

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The route of a request to a workspace host (its path from the host's root), for the tool it serves. Judged
 * on the decoded path with empty and `.` segments dropped and without regard to case, so that no spelling the
 * workspace might still route the same way (`%66iles`, `//files`, `./files`) slips past.
 */
export function workspaceRoute(
  url: string,
  tool: Pick<WorkspaceTool, "blockedRoutes"> = WORKSPACE_TOOLS.jupyterlab,
): WorkspaceRoute {
  const path = url.split("?", 1)[0]!;
  const [first = ""] = decoded(path)
    .split(/[/\\]+/)
    .filter((s) => s !== "" && s !== ".")
    .map((s) => s.toLowerCase());
  return tool.blockedRoutes.includes(first) ? { kind: "blocked", route: first } : { kind: "pass" };
}
