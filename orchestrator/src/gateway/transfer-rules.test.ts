import { describe, expect, it } from "vitest";
import { workspaceRoute } from "./transfer-rules";

// A workspace host serves its tool from the root.
const at = (path: string) => `/${path}`;

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
  ])("refuses %s %s", (_method, path, route) => {
    expect(workspaceRoute(at(path))).toEqual({ kind: "blocked", route });
  });

  it.each([
    ["GET", "lab", "pass"],
    ["GET", "lab/tree/files/a.csv", "pass"],
    ["GET", "api/nbconvert", "pass"],
    ["GET", "api/kernels", "pass"],
    ["DELETE", "api/contents/a.csv", "pass"],
    ["GET", "api/contents/files/a.ipynb?content=1", "pass"],
    ["PUT", "api/contents/a.ipynb", "pass"],
    ["GET", "lab/api/settings?files", "pass"],
  ])("%s %s is %s", (_method, path, kind) => {
    expect(workspaceRoute(at(path)).kind).toBe(kind);
  });
});
