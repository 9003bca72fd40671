import { describe, expect, it } from "vitest";
import { assertToolsOffered } from "./permit-tools";
import { PermitSchemaError } from "./permit-issues";

const withTools = (...tools: Array<"jupyterlab" | "rstudio" | "vscode">) => ({
  environment: { tools, cpu: "2", memory: "4Gi", storage: "10Gi" },
});

describe("assertToolsOffered", () => {
  it("accepts JupyterLab, and rstudio as JupyterLab, where only JupyterLab is offered", () => {
    expect(() => assertToolsOffered(withTools("jupyterlab", "rstudio"))).not.toThrow();
  });

  it("refuses a tool the installation does not offer, naming it and where it is", () => {
    let error: unknown;
    try {
      assertToolsOffered(withTools("jupyterlab", "vscode"));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PermitSchemaError);
    expect((error as PermitSchemaError).code).toBe("PERMIT_SCHEMA_INVALID");
    expect((error as PermitSchemaError).issues).toEqual([
      { path: "environment.tools[1]", message: "vscode is not offered by this installation (it offers jupyterlab)" },
    ]);
  });

  it("accepts VS Code where the installation offers it", () => {
    expect(() => assertToolsOffered(withTools("vscode"), ["jupyterlab", "vscode"])).not.toThrow();
  });
});
