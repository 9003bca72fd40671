import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { carriesBinary, CONTENTS_INSPECTION_LIMIT, contentsVerdict, readContents, workspaceRoute } from "./transfer-rules";

const ns = "spe-se-2026-0042";
const at = (path: string) => `/workspaces/${ns}/${path}`;

describe("workspaceRoute", () => {
  it.each([
    ["GET", "files/a.csv", "files"],
    ["GET", "files/a.csv?download=1", "files"],
    ["POST", "files/a.csv", "files"],
    ["GET", "FILES/a.csv", "files"],
    ["GET", "%66iles/a.csv", "files"],
    ["GET", "%2Ffiles/a.csv", "files"],
    ["GET", "//files/a.csv", "files"],
    ["GET", "./files/a.csv", "files"],
    ["GET", "files", "files"],
    ["GET", "nbconvert/html/a.ipynb?download=true", "nbconvert"],
    ["POST", "nbconvert/pdf", "nbconvert"],
    ["GET", "view/a.html", "view"],
  ])("refuses %s %s", (method, path, route) => {
    expect(workspaceRoute(method, at(path), ns)).toEqual({ kind: "blocked", route });
  });

  it.each([
    ["GET", "lab", "pass"],
    ["GET", "lab/tree/files/a.csv", "pass"],
    ["GET", "api/nbconvert", "pass"],
    ["GET", "api/kernels", "pass"],
    ["DELETE", "api/contents/a.csv", "pass"],
    ["GET", "api/contents/files/a.ipynb?content=1", "contents-read"],
    ["GET", "API/Contents/a.ipynb", "contents-read"],
    ["PUT", "api/contents/a.ipynb", "contents-write"],
    ["POST", "api/contents/analys", "contents-write"],
    ["PATCH", "api/contents/a.ipynb", "contents-write"],
  ])("%s %s is %s", (method, path, kind) => {
    expect(workspaceRoute(method, at(path), ns).kind).toBe(kind);
  });
});

describe("what the contents API carries", () => {
  it.each([
    [{ type: "file", format: "base64", content: "AAAA" }, true],
    [{ type: "file", format: "Base64", content: "AAAA" }, true],
    [{ type: "directory", format: "json", content: [{ type: "file", format: "base64", content: "AAAA" }] }, true],
    [{ type: "file", format: "text", content: "a;b" }, false],
    [{ type: "notebook", format: "json", content: { cells: [] } }, false],
    [{ type: "directory", format: "json", content: [{ type: "file", format: null, content: null }] }, false],
    [null, false],
  ])("%j carries a binary: %s", (model, binary) => {
    expect(carriesBinary(model)).toBe(binary);
  });

  it.each([
    ["", "upload", "pass"],
    ["", "download", "contents-unreadable"],
    ['{"type":"notebook","format":"json","content":{}}', "upload", "pass"],
    ['{"type":"file","format":"base64","content":"AAAA"}', "upload", "contents-base64-upload"],
    ['{"type":"file","format":"base64","content":"AAAA"}', "download", "contents-base64-download"],
    ['{"type":"file","form\\u0061t":"base64","content":"AAAA"}', "upload", "contents-base64-upload"],
    ['{"format":"text","format":"base64"}', "upload", "contents-base64-upload"],
    ["{not json", "upload", "contents-unreadable"],
  ] as const)("a body %s going %s is %s", (body, direction, verdict) => {
    expect(contentsVerdict(Buffer.from(body), direction)).toBe(verdict);
  });

  it("reads a body whole, but not a compressed one or one past the limit", async () => {
    const body = Buffer.from('{"format":"text"}');
    expect(await readContents(Readable.from([body]), {})).toEqual(body);
    expect(await readContents(Readable.from([body]), { "content-encoding": "gzip" })).toBe("contents-unreadable");
    expect(await readContents(Readable.from([body]), { "content-length": String(CONTENTS_INSPECTION_LIMIT + 1) })).toBe("contents-too-large");
    const chunk = Buffer.alloc(1024 * 1024);
    const endless = Readable.from((function* () { for (let i = 0; i <= 64; i++) yield chunk; })());
    expect(await readContents(endless, {})).toBe("contents-too-large");
  });
});
