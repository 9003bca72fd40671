import type { TFunction } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { testTranslators } from "../../locales/test-translators";
import { myWorkspaceSaid, workspaceStateName, type WorkspaceFacts } from "./workspace-words";

const at = "2026-12-07T12:30:00Z";
const facts = (f: Partial<WorkspaceFacts>): WorkspaceFacts => ({
  state: "stopped",
  since: null,
  reason: null,
  step: null,
  ...f,
});

describe("a researcher's workspace in words", () => {
  let inEnglish: TFunction;
  let inSwedish: TFunction;
  beforeAll(async () => ({ inEnglish, inSwedish } = await testTranslators()));

  it.each<[string, Partial<WorkspaceFacts>, string]>([
    ["never opened", {}, "It starts when you open it; your files are kept."],
    ["starting, on a node", { state: "starting", step: "preparing" }, "Right now: the home, the project folder"],
    [
      "starting, a step this UI does not know",
      { state: "starting", step: "warp" },
      "Right now: the workspace has been asked for.",
    ],
    ["running", { state: "running", since: at }, "Running since 2026-12-07 13:30:00 +01:00"],
    ["stopped for idleness", { state: "idle-stopped", since: at }, "Stopped on 2026-12-07 13:30:00 +01:00"],
    [
      "stopped by an operator, with their reason",
      { since: at, reason: "Node maintenance" },
      "The operators stopped it on 2026-12-07 13:30:00 +01:00",
    ],
    ["the environment suspended", { reason: "environment-suspended" }, "Stopped while the environment is suspended."],
    [
      "failed: no image",
      { state: "failed", reason: "ImagePullFailed" },
      "It cannot start: its software cannot be fetched.",
    ],
    ["failed: no node", { state: "failed", reason: "NoNodes" }, "there is no room for it in the cluster."],
    ["failed: a reason this UI does not know", { state: "failed", reason: "Gremlins" }, "something stops it."],
  ])("%s", (_name, f, words) => {
    expect(myWorkspaceSaid(facts(f), inEnglish)).toContain(words);
  });

  it("names no Kubernetes reason to the researcher, and speaks Swedish by default", () => {
    const failed = myWorkspaceSaid(facts({ state: "failed", reason: "CrashLooping" }), inSwedish);
    expect(failed).toBe(
      "Den kan inte starta: JupyterLab stannar så fort det har startat. Driften ser detta, och varför.",
    );
    expect(failed).not.toContain("CrashLooping");
    expect(myWorkspaceSaid(facts({ since: at, reason: "Underhåll" }), inSwedish)).toContain("”Underhåll”");
    expect(workspaceStateName("idle-stopped", inSwedish)).toBe("Stoppad (oanvänd)");
    expect(workspaceStateName("idle-stopped", inEnglish)).toBe("Stopped (idle)");
    expect(workspaceStateName("novel", inEnglish)).toBe("novel");
  });
});
