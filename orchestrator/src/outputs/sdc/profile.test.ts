import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSdcProfile, parseSdcProfile, sdcProfileNames } from "./profile";

describe("SDC rule profiles in policies/sdc/", () => {
  it.each(sdcProfileNames())("%s loads against the schema", (name) => {
    expect(loadSdcProfile(name).name).toBe(name);
  });

  it("holds default and redact7-round5", () => {
    expect(sdcProfileNames()).toEqual(expect.arrayContaining(["default", "redact7-round5"]));
  });

  it("default: threshold 10, zeros disclosive, NK (2, 0.90), p-ratio 0.10, residual df 10", () => {
    expect(loadSdcProfile("default")).toMatchObject({
      frequency: { threshold: 10, zerosDisclosive: true, roundingBase: null, redactedMarkers: [], totalLabels: [] },
      magnitude: { threshold: 10, nkDominance: { n: 2, k: 0.9 }, pRatio: 0.1 },
      regression: { minResidualDf: 10 },
    });
  });

  it("redact7-round5: counts of 7 or fewer fail, others must be multiples of 5, [REDACTED] passes, totals add up", () => {
    expect(loadSdcProfile("redact7-round5").frequency).toEqual({
      threshold: 8,
      zerosDisclosive: true,
      roundingBase: 5,
      redactedMarkers: ["[REDACTED]", "REDACTED", "redacted"],
      totalLabels: ["Total", "All", "Totalt"],
    });
  });
});

describe("loading a profile", () => {
  const valid = loadSdcProfile("default");
  const yaml = (profile: unknown) => JSON.stringify(profile); // JSON is YAML

  it.each<[string, unknown, RegExp]>([
    [
      "k of 1",
      { ...valid, magnitude: { ...valid.magnitude, nkDominance: { n: 2, k: 1 } } },
      /magnitude\.nkDominance\.k/,
    ],
    [
      "NK over three contributors (the table carries two)",
      { ...valid, magnitude: { ...valid.magnitude, nkDominance: { n: 3, k: 0.9 } } },
      /magnitude\.nkDominance\.n/,
    ],
    ["a threshold of 0", { ...valid, frequency: { ...valid.frequency, threshold: 0 } }, /frequency\.threshold/],
    ["an unknown setting", { ...valid, frequency: { ...valid.frequency, threshhold: 5 } }, /threshhold/],
    ["no regression rules", { ...valid, regression: undefined }, /regression/],
  ])("refuses %s", (_name, profile, path) => {
    expect(() => parseSdcProfile(yaml(profile), "x.yaml")).toThrow(
      expect.objectContaining({ code: "SDC_PROFILE_INVALID", message: expect.stringMatching(path) }),
    );
  });

  it("refuses a file whose name is not its profile's name, and text that is not YAML", () => {
    const dir = mkdtempSync(join(tmpdir(), "spe-sdc-profile-"));
    writeFileSync(join(dir, "strict.yaml"), yaml({ ...valid, name: "lenient" }));
    writeFileSync(join(dir, "broken.yaml"), "name: [unclosed");
    expect(() => loadSdcProfile("strict", dir)).toThrow(
      expect.objectContaining({ code: "SDC_PROFILE_INVALID", message: expect.stringContaining('"lenient"') }),
    );
    expect(() => loadSdcProfile("broken", dir)).toThrow(
      expect.objectContaining({ code: "SDC_PROFILE_INVALID", message: expect.stringContaining("not YAML") }),
    );
  });

  it.each(["nonexistent", "../default", "Default", ""])(
    "%j is not found, and the message lists the known profiles",
    (name) => {
      expect(() => loadSdcProfile(name)).toThrow(expect.objectContaining({ code: "SDC_PROFILE_NOT_FOUND" }));
    },
  );

  it("an unknown name's message lists the profiles there are", () => {
    expect(() => loadSdcProfile("nonexistent")).toThrow(/known profiles: .*default.*redact7-round5/);
  });
});
