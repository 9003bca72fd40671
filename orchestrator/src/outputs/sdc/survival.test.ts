import { describe, expect, it } from "vitest";
import { loadSdcProfile } from "./profile";
import { readTable } from "./read-table";
import { checkSurvival } from "./survival";

const rules = loadSdcProfile("default").frequency;
const check = (header: string, ...rows: string[]) => checkSurvival(readTable([header, ...rows].join("\n")), rules);
const statuses = (...rows: string[]) =>
  Object.fromEntries(check("time,n_risk,n_event", ...rows).checks.map((c) => [c.name, c.status]));

describe("survival tables, default profile", () => {
  it("steps with a risk set and events of at least 10 pass; a step without events passes", () => {
    expect(statuses("0,412,0", "12,380,24", "24,301,10")).toEqual({ "risk-set": "pass", events: "pass" });
  });

  it.each<[string, string, string]>([
    ["36,9,0", "fail", "pass"], // risk set under 10
    ["36,40,3", "pass", "fail"], // 3 events in one step: who they were shows
    ["36,40,10", "pass", "pass"],
    ["36,40,NA", "pass", "review"],
  ])("step %s → risk set %s, events %s", (step, risk, events) => {
    expect(statuses("0,412,0", step)).toEqual({ "risk-set": risk, events });
  });

  it("reads R's and lifelines' column names and flags cells by them", () => {
    const r = check("time,n.risk,n.event,surv", "1,120,4,0.97");
    expect(r.cells).toMatchObject([{ row: 1, column: "n.event", status: "fail" }]);
    const lifelines = check("event_at,removed,observed,censored,entrance,at_risk", "0,0,0,0,50,50", "3,12,2,10,0,50");
    expect(lifelines.cells).toMatchObject([{ row: 2, column: "observed", status: "fail" }]);
  });

  it("goes to review without a risk set or events column", () => {
    expect(check("time,surv", "1,0.9").checks).toMatchObject([{ name: "risk-set", status: "review" }]);
  });
});
