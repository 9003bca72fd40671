import { describe, expect, it } from "vitest";
import { researcherReport } from "./researcher-report";

describe("researcherReport", () => {
  it("cuts down a report stored before details were kept apart: no count among the values, no keys in a model's place", () => {
    const stored = {
      status: "fail",
      type: "frequency",
      profile: "default",
      checks: [
        {
          name: "threshold",
          status: "fail",
          message: "Count below 10: 1 cell (row 2).",
          says: {
            flagged: [
              {
                status: "fail",
                label: { key: "frequency-threshold-failed", values: { threshold: 10 } },
                count: 1,
                rows: [2],
              },
            ],
          },
        },
        {
          name: "residual-df",
          status: "fail",
          message: "$.hiv_model.df_resid: 3 residual degrees of freedom, below 10.",
          says: {
            models: [
              {
                path: "$.hiv_model.df_resid",
                reason: { key: "regression-model-below", values: { df: 3, minimum: 10 } },
              },
            ],
          },
        },
      ],
      cells: [
        {
          row: 2,
          column: "count",
          status: "fail",
          reasons: ["count 3 is below the threshold 10"],
          says: [{ key: "frequency-cell-below", values: { count: 3, threshold: 10 } }],
          raw: "199001011234",
        },
      ],
    };
    const cut = researcherReport(stored)!;
    expect(cut.cells).toEqual([
      {
        row: 2,
        column: "count",
        status: "fail",
        reasons: ["a count below the threshold 10"],
        says: [{ key: "frequency-cell-below", values: { threshold: 10 } }],
      },
    ]);
    expect(cut.checks.map((c) => c.message)).toEqual([
      "Count below 10: 1 cell (row 2).",
      "df_resid: fewer residual degrees of freedom than 10.",
    ]);
    expect(JSON.stringify(cut)).not.toMatch(/hiv|\b3\b|199001011234/);
  });

  it("shows nothing of a report in a shape it does not know, and drops sayings it cannot read", () => {
    expect(researcherReport(null)).toBeUndefined();
    expect(researcherReport({ status: "fail", checks: "count 3" })).toBeUndefined();
    const odd = researcherReport({
      status: "review",
      type: "other",
      profile: "default",
      checks: [{ name: "x", status: "review", message: "count 3 of HIV", says: { phrase: { key: "unknown-key" } } }],
      cells: [],
    })!;
    expect(JSON.stringify(odd)).not.toMatch(/count 3|HIV|unknown-key/);
    expect(odd.checks).toMatchObject([{ name: "x", status: "review" }]);
  });
});
