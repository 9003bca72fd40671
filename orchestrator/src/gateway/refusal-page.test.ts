import { describe, expect, it } from "vitest";
import { pageLanguage, workspaceRefusalPage } from "./refusal-page";

describe("pageLanguage", () => {
  it.each([
    [undefined, "sv"],
    ["", "sv"],
    ["sv-SE,sv;q=0.9,en-US;q=0.8", "sv"],
    ["en-GB,en;q=0.9", "en"],
    ["en-US,en;q=0.9,sv;q=0.8", "en"],
    ["de-DE,de;q=0.9", "sv"],
    ["fi-FI,en;q=0.5", "en"],
  ] as const)("reads %s as %s", (header, language) => {
    expect(pageLanguage(header)).toBe(language);
  });
});

describe("workspaceRefusalPage", () => {
  it("reloads itself only while the workspace is starting", () => {
    expect(workspaceRefusalPage("WORKSPACE_STARTING", "not yet", "sv", 5)).toContain(
      '<meta http-equiv="refresh" content="5">',
    );
    expect(workspaceRefusalPage("WORKSPACE_NOT_FOUND", "no", "sv")).not.toContain("http-equiv");
  });

  it("escapes the orchestrator's sentence and names an unknown code's reason in general words", () => {
    const page = workspaceRefusalPage("LOCAL_NODE_FAILED", 'the node failed (<script>alert("x")</script>)', "en");
    expect(page).toContain("<h1>The workspace cannot be reached</h1>");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page).not.toContain("<script>");
  });

  it("says starting, stuck, suspended, ended and not yet begun each in words of its own, in both languages", () => {
    const codes = [
      "WORKSPACE_STARTING",
      "WORKSPACE_STUCK",
      "WORKSPACE_SUSPENDED",
      "WORKSPACE_ENDED",
      "WORKSPACE_NOT_YET_VALID",
    ];
    for (const language of ["sv", "en"] as const) {
      const titles = codes.map((code) => /<h1>(.*)<\/h1>/.exec(workspaceRefusalPage(code, "d", language))![1]);
      expect(new Set(titles).size).toBe(codes.length);
      expect(titles).not.toContain(
        language === "sv" ? "Arbetsytan går inte att nå" : "The workspace cannot be reached",
      );
    }
    expect(workspaceRefusalPage("WORKSPACE_STUCK", "The environment is stuck (ImagePullFailed).", "sv", 60)).toContain(
      "<h1>Arbetsytan har fastnat</h1>",
    );
  });

  it("looks like the app: its header with the mark and name, linking home, on a page that fits a phone", () => {
    const page = workspaceRefusalPage("WORKSPACE_SUSPENDED", "d", "sv", undefined, "https://spe.example/");
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toMatch(
      /<header class="top"><a class="brand" href="https:\/\/spe.example\/"><img src="data:image\/svg\+xml,/,
    );
    expect(page).toContain("<span>SPE · Säker behandlingsmiljö</span>");
    expect(page).toContain("<title>Miljön är pausad · SPE</title>");
    expect(workspaceRefusalPage("WORKSPACE_SUSPENDED", "d", "en")).toContain(
      "<span>SPE · Secure processing environment</span>",
    );
  });
});
