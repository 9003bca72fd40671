import type { Readable } from "node:stream";

/**
 * What the gateway does with a request into a workspace, by JupyterLab's routes: files leave an environment
 * only through the airlock, so the routes that exist to carry files out of (or binaries into) the workspace
 * are refused, and the contents API, which the Lab also uses to open and save notebooks and text files, is
 * let through only for text: a binary travels through it as base64.
 */
export type WorkspaceRoute =
  | { kind: "pass" }
  /** Refused before it reaches the workspace. */
  | { kind: "blocked"; route: BlockedRoute }
  /** The contents API read: the answer is looked at before the browser gets it. */
  | { kind: "contents-read" }
  /** The contents API written to: the body is looked at before the workspace gets it. */
  | { kind: "contents-write" };

export type BlockedRoute = "files" | "nbconvert" | "view" | ContentsRefusal;
/** Why a contents request or answer was refused. */
export type ContentsRefusal = "contents-base64-download" | "contents-base64-upload" | "contents-unreadable" | "contents-too-large";

/** Raw downloads (`files/…`, with `?download=1` or not), exports (`nbconvert/…`) and the page that frames a raw file (`view/…`). */
const BLOCKED_FIRST_SEGMENTS = new Set<BlockedRoute>(["files", "nbconvert", "view"]);

/** The most of a contents request or answer the gateway reads to look at it; a larger one is refused. */
export const CONTENTS_INSPECTION_LIMIT = 64 * 1024 * 1024;

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The route of a request under `/workspaces/<namespace>`. Judged on the decoded path with empty and `.`
 * segments dropped and without regard to case, so that no spelling the workspace might still route the same
 * way (`%66iles`, `//files`, `./files`) slips past.
 */
export function workspaceRoute(method: string, url: string, namespace: string): WorkspaceRoute {
  const path = url.split("?", 1)[0]!.slice(`/workspaces/${namespace}`.length);
  const segments = decoded(path)
    .split(/[/\\]+/)
    .filter((s) => s !== "" && s !== ".")
    .map((s) => s.toLowerCase());
  const [first = "", second = ""] = segments;
  if (BLOCKED_FIRST_SEGMENTS.has(first as BlockedRoute)) return { kind: "blocked", route: first as BlockedRoute };
  if (first === "api" && second === "contents") {
    if (method === "GET") return { kind: "contents-read" };
    if (method === "PUT" || method === "POST" || method === "PATCH") return { kind: "contents-write" };
  }
  return { kind: "pass" };
}

/** Whether a contents model (or a directory's listing of them) carries a file as base64, i.e. a binary. */
export function carriesBinary(model: unknown): boolean {
  if (typeof model !== "object" || model === null) return false;
  const { format, content } = model as { format?: unknown; content?: unknown };
  if (typeof format === "string" && format.toLowerCase() === "base64") return true;
  return Array.isArray(content) && content.some(carriesBinary);
}

/**
 * Whether a contents body may pass: JSON that carries no base64, or an empty request (the API makes an
 * untitled file). Anything else is refused: the workspace would refuse a request that is not JSON too, and
 * what the gateway cannot read it cannot vouch for.
 */
export function contentsVerdict(body: Buffer, direction: "upload" | "download"): "pass" | ContentsRefusal {
  if (body.length === 0 && direction === "upload") return "pass";
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "contents-unreadable";
  }
  return carriesBinary(parsed) ? `contents-base64-${direction}` : "pass";
}

/**
 * The body of a contents request or answer, to judge: read whole (the API sends one JSON document anyway),
 * unless it is compressed (not read) or larger than CONTENTS_INSPECTION_LIMIT.
 */
export async function readContents(stream: Readable, headers: { "content-encoding"?: string | string[] | number; "content-length"?: string | string[] | number }): Promise<Buffer | ContentsRefusal> {
  const encoding = headers["content-encoding"];
  if (encoding !== undefined && encoding !== "identity") return "contents-unreadable";
  if (Number(headers["content-length"] ?? 0) > CONTENTS_INSPECTION_LIMIT) return "contents-too-large";
  return (await readAtMost(stream, CONTENTS_INSPECTION_LIMIT)) ?? "contents-too-large";
}

/** The whole of a stream, or undefined once it passes `limit` bytes (the rest is not read). */
async function readAtMost(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
