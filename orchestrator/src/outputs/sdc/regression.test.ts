import { describe, expect, it } from "vitest";
import { loadSdcProfile } from "./profile";
import { checkRegression } from "./regression";

const rules = loadSdcProfile("default").regression;

describe("regression summaries", () => {
  it.each<[string, "pass" | "fail"]>([
    ["9", "fail"],
    ["10", "pass"],
    ["9.5", "fail"],
    ["250", "pass"],
  ])("CSV with df_resid %s → %s (below 10 fails, 10 passes)", (df, expected) => {
    const findings = checkRegression(`term,estimate,df_resid\nage,0.3,${df}\n`, rules);
    expect(findings.checks).toMatchObject([{ name: "residual-df", status: expected, message: expect.any(String) }]);
    expect(findings.cells).toMatchObject(
      expected === "fail"
        ? [
            {
              row: 1,
              column: "df_resid",
              status: "fail",
              reasons: [`${Number(df)} residual degrees of freedom, below 10`],
            },
          ]
        : [],
    );
  });

  it("JSON: every df_resid at any depth, named by its place in the document and, for checkers, by its path", () => {
    const findings = checkRegression(
      JSON.stringify({
        models: [{ name: "m1", df_resid: 10 }, { name: "m2", fit: { df_resid: 9 } }, { df_resid: "many" }],
      }),
      rules,
    );
    expect(findings).toMatchObject({
      checks: [
        {
          name: "residual-df",
          status: "fail",
          message:
            '$.models[1].fit.df_resid: 9 residual degrees of freedom, below 10; $.models[2].df_resid: df_resid "many" is not a number of degrees of freedom.',
        },
      ],
      cells: [],
    });
    expect(findings.checks[0]!.says).toEqual({
      models: [
        {
          path: "#2 df_resid",
          jsonPath: "$.models[1].fit.df_resid",
          reason: { key: "regression-model-below", values: { minimum: 10 }, detail: { df: 9 } },
        },
        {
          path: "#3 df_resid",
          jsonPath: "$.models[2].df_resid",
          reason: { key: "regression-model-unreadable", detail: { value: '"many"' } },
        },
      ],
    });
    expect(checkRegression('{"df_resid": 10}', rules).checks[0]!.status).toBe("pass");
    expect(checkRegression('[{"df_resid": "12"}]', rules).checks[0]!.status).toBe("pass");
  });

  it.each([
    ["CSV without df_resid", "term,estimate\nage,0.3\n"],
    ["JSON without df_resid", '{"coef": {"age": 0.3}}'],
    ["df_resid that is not a number", '{"df_resid": "NA"}'],
    ["a negative df_resid", "df_resid\n-1\n"],
  ])("%s → review", (_name, text) => {
    expect(checkRegression(text, rules).checks[0]!.status).toBe("review");
  });

  it("JSON that does not parse is unreadable", () => {
    expect(() => checkRegression('{"df_resid": ', rules)).toThrow(
      expect.objectContaining({ code: "OUTPUT_FILE_UNREADABLE" }),
    );
  });
});
