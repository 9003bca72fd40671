import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { examplePermit } from "../../permits/test-fixtures";
import type { PermitPayload } from "../../permits/permit";
import { defaultEnvironmentConfig as config } from "../environment-config";
import type { ServedToolName } from "../../tools/tool-registry";
import { workspaceDeployment } from "./workload";

const namespace = "spe-se-hdab-2026-0042-0123456789";
const container = (tools: PermitPayload["environment"]["tools"], tool?: ServedToolName) => {
  const permit = examplePermit({ environment: { ...examplePermit().environment, tools } });
  const person = { id: "p1", token: "t", started: true, ...(tool ? { tool } : {}) };
  const deployment: V1Deployment = workspaceDeployment(
    { namespace, permit, desiredState: "active", persons: [person] },
    config,
    person,
  );
  return { pod: deployment.spec!.template, container: deployment.spec!.template.spec!.containers[0]! };
};

describe("a person's workspace runs the tool they picked", () => {
  it("runs the permit's first tool when the person picked none", () => {
    const { pod, container: c } = container(["jupyterlab", "vscode"]);
    expect([c.name, c.image]).toEqual(["jupyterlab", `${config.imageRegistry}/${config.images.jupyterlab}`]);
    expect(c.env).toContainEqual({ name: "SPE_WORKSPACE_PORT", value: String(config.workspacePort) });
    expect(pod.metadata!.labels!["spe.ehds.eu/tool"]).toBe("jupyterlab");
  });

  it("runs VS Code on the workspace port when the person picked it", () => {
    const { pod, container: c } = container(["jupyterlab", "vscode"], "vscode");
    expect(c.name).toBe("vscode");
    expect(c.image).toBe(`${config.imageRegistry}/${config.images.vscode}`);
    expect(c.env).toContainEqual({ name: "PORT", value: String(config.workspacePort) });
    expect(c.ports).toEqual([{ name: "http", containerPort: config.workspacePort }]);
    expect(pod.metadata!.labels!["spe.ehds.eu/tool"]).toBe("vscode");
  });

  it("serves a permit's rstudio with JupyterLab", () => {
    expect(container(["rstudio"]).container.name).toBe("jupyterlab");
  });
});
