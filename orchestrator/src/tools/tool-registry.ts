/**
 * The tools a researcher can work in, one entry each. The permit's tool names, the installation's offer, each
 * person's workspace container, the gateway's transfer rules and the README's table of tools are all read from
 * here, so that adding a tool is an entry here, its image folder under images/ and its words in the locales.
 */

/** Every name a permit may give a tool (the permit format only grows: a name once accepted stays). */
export const PERMIT_TOOL_NAMES = ["jupyterlab", "rstudio", "vscode"] as const;
export type PermitToolName = (typeof PERMIT_TOOL_NAMES)[number];

/** The tools that have an image of their own; a permit's other names are served by one of them. */
export const SERVED_TOOL_NAMES = ["jupyterlab", "vscode"] as const;
export type ServedToolName = (typeof SERVED_TOOL_NAMES)[number];

/**
 * What the gateway's record of activities keeps of a tool's use: `jupyter`, every kernel message's code and
 * its status, terminals opened and closed, and files opened and saved through the contents API; `sessions`,
 * only each WebSocket connection opened and closed (the tool speaks a protocol the gateway does not read).
 */
export type ActivityCoverage = "jupyter" | "sessions";

export interface WorkspaceTool {
  name: ServedToolName;
  /** The image in the installation's registry (ENVIRONMENT_SETTINGS `images.<name>` replaces it). */
  image: string;
  /** The folder under images/ it is built from. */
  imageFolder: string;
  /**
   * How the tool is told to serve at the root of its workspace host on `port` (the installation's
   * `workspacePort`): variables of its container's environment, beside what the image's own configuration
   * says (an environment variable, not arguments, so that the image's own start stays as it is).
   */
  listenEnv(port: number): Record<string, string>;
  /**
   * How the tool demands the person's credential (gateway/workspace-identities.ts), which the gateway alone
   * holds: the variable of its container it takes it from (and out of its environment, so that terminals do
   * not inherit it), and the headers the gateway presents it in on every request it relays, given the
   * workspace's own cookies it forwards.
   */
  credential: { env: string; headers(token: string, cookie: string | undefined): Record<string, string> };
  /** A path that answers once the tool serves, relative to its root; the start page's tests wait on it. */
  readyPath: string;
  /**
   * The first path segments the gateway refuses as transfers out (WORKSPACE_TRANSFER_BLOCKED, audited). Only
   * routes that exist to carry files out; what a tool sends over its WebSocket cannot be told apart by route.
   */
  blockedRoutes: readonly string[];
  activity: ActivityCoverage;
  /** What it offers a researcher, in the README's table of tools (the UI's words are in its locales). */
  offers: string;
}

export const WORKSPACE_TOOLS: Readonly<Record<ServedToolName, WorkspaceTool>> = {
  jupyterlab: {
    name: "jupyterlab",
    image: "workspace-jupyterlab:1.0.0",
    imageFolder: "images/workspace",
    // jupyter_server_config.py in the image serves the root on all addresses and reads the port from here.
    listenEnv: (port) => ({ SPE_WORKSPACE_PORT: String(port) }),
    // jupyter_server_config.py takes it as the server's token.
    credential: {
      env: "SPE_WORKSPACE_TOKEN",
      headers: (token, cookie) => ({ authorization: `token ${token}`, ...(cookie ? { cookie } : {}) }),
    },
    readyPath: "api/status",
    // The raw download (`files/`), the export (`nbconvert/`) and the page that frames a raw file (`view/`).
    blockedRoutes: ["files", "nbconvert", "view"],
    activity: "jupyter",
    offers:
      "Notebooks, a terminal and an editor; Python (pandas, statsmodels, scipy, matplotlib, pyarrow), ACRO in a Python (ACRO) kernel of its own, and R (IRkernel with data.table, survival, ggplot2, dplyr, lme4)",
  },
  vscode: {
    name: "vscode",
    image: "workspace-vscode:1.0.0",
    imageFolder: "images/workspace-vscode",
    // The image binds code-server to all addresses at the root; code-server takes the port from PORT.
    listenEnv: (port) => ({ PORT: String(port) }),
    // code-server's password, as its "hashed" form: its session cookie must equal it, so the gateway presents
    // it as that cookie (code-server removes the variable from its environment as it starts).
    credential: {
      env: "HASHED_PASSWORD",
      headers: (token, cookie) => ({ cookie: withCookie(cookie, CODE_SERVER_SESSION, token) }),
    },
    readyPath: "healthz",
    // `vscode-remote-resource` reads any file of the pod by path, and `proxy`/`absproxy` reach any port in the
    // pod (a researcher's own web server); its editor still opens files over its WebSocket, which carries
    // whatever the researcher sees, so that is recorded as a session and not refused.
    blockedRoutes: ["vscode-remote-resource", "proxy", "absproxy"],
    activity: "sessions",
    offers:
      "VS Code in the browser (code-server): an editor, a terminal and tasks with the same Python and R; only the extensions built in, since no marketplace is reachable",
  },
};

/** code-server's session cookie (without a `--cookie-suffix`). */
const CODE_SERVER_SESSION = "code-server-session";

/** The forwarded cookies with `name` set to `value`: the browser's own cookie of that name never reaches the tool. */
function withCookie(cookie: string | undefined, name: string, value: string): string {
  const others = (cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && c.split("=", 1)[0]!.trim() !== name);
  return [`${name}=${value}`, ...others].join("; ");
}

/**
 * A permit's name for a tool without an image of its own, and the tool that serves it: RStudio Server is on
 * none of the registries here, so `rstudio` gets JupyterLab's R kernel, the best R tool there is.
 */
const SERVED_BY: Readonly<Record<Exclude<PermitToolName, ServedToolName>, ServedToolName>> = { rstudio: "jupyterlab" };

/** The tool that serves a permit's tool name. */
export const servedTool = (name: PermitToolName): ServedToolName =>
  name in SERVED_BY ? SERVED_BY[name as keyof typeof SERVED_BY] : (name as ServedToolName);

/** The tools a permit's persons may pick from, in the permit's order, each once. */
export function permitTools(tools: readonly PermitToolName[]): ServedToolName[] {
  return [...new Set(tools.map(servedTool))];
}

/**
 * The tool a person's workspace runs: the one they picked if the permit still offers it, else the permit's
 * first.
 */
export function personTool(tools: readonly PermitToolName[], picked?: string | null): ServedToolName {
  const offered = permitTools(tools);
  return offered.find((t) => t === picked) ?? offered[0]!;
}
