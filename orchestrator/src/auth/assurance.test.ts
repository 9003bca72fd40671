import { describe, expect, it } from "vitest";
import { assuranceRefusal, type AssuranceRequirement } from "./assurance";

const none: AssuranceRequirement = { acr: [], amr: [] };
const mfa: AssuranceRequirement = { acr: [], amr: ["mfa", "otp", "hwk"] };
const loa3: AssuranceRequirement = { acr: ["http://id.elegnamnden.se/loa/1.0/loa3"], amr: [] };
const either: AssuranceRequirement = { acr: loa3.acr, amr: mfa.amr };

describe("assuranceRefusal", () => {
  it.each<[string, Record<string, unknown>, AssuranceRequirement, RegExp | undefined]>([
    ["nothing required, nothing stated", {}, none, undefined],
    ["nothing required, password only", { amr: ["pwd"] }, none, undefined],
    [
      "a second factor required, password only",
      { amr: ["pwd"] },
      mfa,
      /second factor \(mfa, otp, hwk\)\. Yours used methods pwd/,
    ],
    ["a second factor required, one-time code", { amr: ["pwd", "otp"] }, mfa, undefined],
    ["a second factor required, nothing stated", {}, mfa, /Yours used no stated level or method/],
    ["amr that is not a list", { amr: "otp" }, mfa, /no stated level/],
    ["a level required, that level", { acr: "http://id.elegnamnden.se/loa/1.0/loa3" }, loa3, undefined],
    [
      "a level required, a lower level",
      { acr: "http://id.elegnamnden.se/loa/1.0/loa2" },
      loa3,
      /level http:\/\/id\.elegnamnden\.se\/loa\/1\.0\/loa3\. Yours used level .*loa2/,
    ],
    ["either, by the level", { acr: "http://id.elegnamnden.se/loa/1.0/loa3", amr: ["pwd"] }, either, undefined],
    ["either, by the method", { acr: "0", amr: ["hwk"] }, either, undefined],
    ["either, neither", { acr: "0", amr: ["pwd"] }, either, /loa3, or a second factor/],
  ])("%s", (_, claims, required, expected) => {
    const refusal = assuranceRefusal(claims, required);
    if (expected) expect(refusal).toMatch(expected);
    else expect(refusal).toBeUndefined();
  });
});
