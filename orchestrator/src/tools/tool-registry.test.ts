import { describe, expect, it } from "vitest";
import { personTool, permitTools, servedTool, WORKSPACE_TOOLS } from "./tool-registry";
import { workspaceRoute } from "../gateway/transfer-rules";

describe("the tools registry", () => {
  it("serves a permit's rstudio with JupyterLab's R kernel", () => {
    expect(servedTool("rstudio")).toBe("jupyterlab");
    expect(permitTools(["rstudio", "jupyterlab", "vscode"])).toEqual(["jupyterlab", "vscode"]);
  });

  it.each([
    [["jupyterlab", "vscode"], undefined, "jupyterlab"],
    [["vscode", "jupyterlab"], null, "vscode"],
    [["jupyterlab", "vscode"], "vscode", "vscode"],
    // A pick the permit no longer offers (an amendment took it away) falls back to the permit's first.
    [["jupyterlab"], "vscode", "jupyterlab"],
    [["rstudio"], "rstudio", "jupyterlab"],
  ] as const)("gives a person of a permit with %j who picked %s: %s", (tools, picked, expected) => {
    expect(personTool(tools, picked)).toBe(expected);
  });

  it("refuses each tool's own transfer routes and no other's", () => {
    expect(workspaceRoute("/files/a.csv", WORKSPACE_TOOLS.jupyterlab)).toEqual({ kind: "blocked", route: "files" });
    expect(workspaceRoute("/files/a.csv", WORKSPACE_TOOLS.vscode).kind).toBe("pass");
    expect(
      workspaceRoute("/vscode-remote-resource?path=/home/researcher/data/x.parquet", WORKSPACE_TOOLS.vscode),
    ).toEqual({ kind: "blocked", route: "vscode-remote-resource" });
    expect(workspaceRoute("/%50roxy/8000/", WORKSPACE_TOOLS.vscode)).toEqual({ kind: "blocked", route: "proxy" });
  });

  it("names an image folder for every tool", () => {
    for (const tool of Object.values(WORKSPACE_TOOLS)) expect(tool.imageFolder).toMatch(/^images\/[a-z-]+$/);
  });
});
