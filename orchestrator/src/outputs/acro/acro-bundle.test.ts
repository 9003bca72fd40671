import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSdcProfile } from "../sdc/profile";
import { laxerSettings } from "./acro-config";
import { readAcroBundle } from "./acro-bundle";
import { longFromWide, recheckAcroOutput } from "./acro-recheck";
import { acroResultsSchema } from "./acro-results";

const profile = loadSdcProfile("default");
const MAKE = fileURLToPath(new URL("./make-acro-output.py", import.meta.url));
/** The real ACRO library (`pip install acro==1.0.2`); without it the tests that need its output skip. */
const acroMissing = spawnSync("python3", ["-c", "import acro"], { encoding: "utf8" }).status !== 0;

function readFolder(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (at: string) =>
    readdirSync(at).forEach((name) => {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    });
  walk(dir);
  return files;
}

describe("laxerSettings and longFromWide", () => {
  it("finds settings laxer than the profile, and none in ACRO's defaults", () => {
    const defaults = { safe_threshold: 10, safe_dof_threshold: 10, safe_nk_n: 2, safe_nk_k: 0.9, safe_pratio_p: 0.1 };
    expect(laxerSettings({ ...defaults, zeros_are_disclosive: true }, profile)).toEqual([]);
    expect(
      laxerSettings({ ...defaults, safe_threshold: 5, safe_nk_k: 0.95, zeros_are_disclosive: false }, profile),
    ).toEqual([
      { setting: "safe_threshold", acro: 5, profile: 10 },
      { setting: "safe_nk_k", acro: 0.95, profile: 0.9 },
      { setting: "zeros_are_disclosive", acro: false, profile: true },
    ]);
    expect(laxerSettings({}, profile).map((l) => l.setting)).toHaveLength(6);
  });

  it("names what the recheck of a crosstab flags by the wide file's row and column", () => {
    const output = acroResultsSchema.shape.results.valueType.parse({
      uid: "output_0",
      status: "pass",
      type: "table",
      properties: { method: "crosstab" },
      files: [{ name: "t.csv" }],
    });
    const files = new Map([["t.csv", Buffer.from("region,F,M\neast,12,36\nnorth,4,81\n=HYPERLINK(1),20,30\n")]]);
    const recheck = recheckAcroOutput(output, files, profile);
    expect(recheck).toMatchObject({ status: "fail", method: "crosstab" });
    expect(recheck.findings["t.csv"]!.cells.map((c) => [c.row, c.column, c.status])).toEqual([
      [2, "F", "fail"],
      [3, "region", "review"],
    ]);
    expect(recheck.findings["t.csv"]!.checks[0]).toMatchObject({
      name: "threshold",
      message: expect.stringContaining("row 2"),
    });
  });

  it("makes a wide crosstab long, suppressed cells marked", () => {
    expect(longFromWide("region,F,M\neast,,36\nnorth,96.0,81\n")).toBe(
      'row,column,count\n"east","F",suppressed\n"east","M",36\n"north","F",96.0\n"north","M",81\n',
    );
  });
});

describe.skipIf(acroMissing)("an ACRO output folder made by the real library (ACRO 1.0.2)", () => {
  let dir: string;
  let files: Map<string, Uint8Array>;

  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), "spe-acro-")), "out");
    const made = spawnSync("python3", [MAKE, dir], { encoding: "utf8", timeout: 120_000 });
    expect(made.status, made.stderr).toBe(0);
    files = readFolder(dir);
  }, 180_000);

  it("releases the outputs only, verified, and reports ACRO's checks beside ours", () => {
    const report = readAcroBundle(files, profile);
    expect(report.acroVersion).toBe("1.0.2");
    expect(report.release.map((f) => f.name)).toEqual([
      "output_0_0.csv",
      "output_1_0.csv",
      "output_1_1.csv",
      "output_1_2.csv",
    ]);
    expect(report.keptBack).toEqual(expect.arrayContaining(["config.json", "results.json", "session_summary.json"]));
    expect(report.keptBack.some((name) => name.startsWith("checksums/"))).toBe(true);
    expect(report.laxer).toEqual([]);
    const [crosstab, regression] = report.outputs;
    // ACRO suppressed the small cell and asks for review with an exception; our recheck of the long table,
    // the suppressed cell redacted, passes: they disagree, and the checker sees both.
    expect(crosstab).toMatchObject({
      uid: "output_0",
      acro: { status: "review", flaggedCells: 1, exception: expect.stringContaining("east region") },
      ours: { status: "pass" },
      disagree: true,
    });
    expect(regression).toMatchObject({ uid: "output_1", acro: { status: "pass" }, ours: { status: "pass" } });
    expect(report.knownDefects).toContain("fails every survival table");
  });

  it("flags a session whose risk appetite is laxer than the permit's profile", () => {
    const config = JSON.parse(new TextDecoder().decode(files.get("config.json"))) as Record<string, unknown>;
    const laxer = new Map(files).set("config.json", Buffer.from(JSON.stringify({ ...config, safe_threshold: 3 })));
    expect(readAcroBundle(laxer, profile).laxer).toEqual([{ setting: "safe_threshold", acro: 3, profile: 10 }]);
  });

  it.each([
    [
      "an output changed after finalise",
      (f: Map<string, Uint8Array>) => f.set("output_0_0.csv", Buffer.from("region,F,M\neast,3,36\n")),
      /output_0_0\.csv does not match its checksum/,
    ],
    ["a listed file missing", (f: Map<string, Uint8Array>) => f.delete("output_1_2.csv"), /lists output_1_2\.csv/],
    ["a checksum missing", (f: Map<string, Uint8Array>) => f.delete("checksums/output_1_0.csv.txt"), /no checksum/],
    [
      "a malformed results.json",
      (f: Map<string, Uint8Array>) => f.set("results.json", Buffer.from('{"version":"1.0.2","results":{"x":{}}}')),
      /not an ACRO 1\.x results file: results\.x\.uid/,
    ],
    ["no results.json", (f: Map<string, Uint8Array>) => f.delete("results.json"), /no results\.json/],
  ])("refuses %s, saying what is wrong", (_, spoil, message) => {
    const spoilt = new Map(files);
    spoil(spoilt);
    expect(() => readAcroBundle(spoilt, profile)).toThrow(message);
  });
});
